import { dirname, isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Call sites: "file:line of the first stack frame in the user's code". Capturing a stack costs
 * about a microsecond and formatting it several more, so callers capture an `Error` only on the
 * rare paths (an N+1 threshold crossed, a slow query, a connection checkout) and format it
 * only when the finding is kept.
 */

/** Frames captured per stack: deep enough to climb out of pg, pg-pool and async wrappers. */
const STACK_FRAMES = 24;

/** This folder (core/profiling or dist/core/profiling): our own frames are never the call site. */
const PROFILING_DIR = dirname(fileURLToPath(import.meta.url));
/**
 * Under --enable-source-maps, frames of dist/core/profiling are reported at their sources
 * (core/profiling/*.ts): skip those too.
 */
const PROFILING_SOURCE_DIR = PROFILING_DIR.replace(/([\\/])dist([\\/]core[\\/]profiling)$/, '$2');

/** Captures the current stack without formatting it. */
export function captureStack(): Error {
  const previous = Error.stackTraceLimit;
  Error.stackTraceLimit = STACK_FRAMES;
  const holder = new Error('call site');
  Error.stackTraceLimit = previous;
  return holder;
}

/** `at fn (location)` or `at location`; location is `file:line:col`. */
const FRAME_RE = /^\s*at (?:async )?(?:.*? \()?(.+?):(\d+):(\d+)\)?\s*$/;

export interface CallSiteOptions {
  /** Folders whose frames are skipped besides node_modules and node internals. */
  ignoreDirs?: readonly string[];
  /** Paths are shown relative to this folder when inside it (default: process.cwd()). */
  baseDir?: string;
}

function toPath(location: string): string | null {
  if (location.startsWith('file://')) {
    try {
      return fileURLToPath(location);
    } catch {
      return null;
    }
  }
  return location;
}

function isIgnored(path: string, ignoreDirs: readonly string[]): boolean {
  if (path.startsWith('node:') || path.startsWith('internal/') || path === 'native') return true;
  if (!isAbsolute(path)) return true; // <anonymous>, eval code, wasm frames
  if (path.includes(`${sep}node_modules${sep}`) || path.includes('/node_modules/')) return true;
  for (const dir of ignoreDirs) {
    if (path.startsWith(dir + sep) || path.startsWith(`${dir}/`)) return true;
  }
  return false;
}

/**
 * The first frame of `stack` outside node_modules, node internals and this library, as
 * `path:line` (path relative to the base folder when inside it); null when there is none.
 */
export function callSiteFromStack(stack: string | undefined, options: CallSiteOptions = {}): string | null {
  if (stack === undefined) return null;
  const ignoreDirs = options.ignoreDirs ?? [PROFILING_DIR, PROFILING_SOURCE_DIR];
  const baseDir = options.baseDir ?? process.cwd();
  const lines = stack.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const match = FRAME_RE.exec(lines[i] as string);
    if (match === null) continue;
    const path = toPath(match[1] as string);
    if (path === null || isIgnored(path, ignoreDirs)) continue;
    const rel = relative(baseDir, path);
    const shown = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : path;
    return `${shown}:${match[2]}`;
  }
  return null;
}

/** A captured stack, or a call site already formatted (one a query's statement recorded). */
export type SiteRef = Error | string | null;

/** Formats a captured stack (see captureStack) into a call site; a formatted one is returned as is. */
export function callSiteOf(holder: SiteRef): string | null {
  if (holder === null) return null;
  if (typeof holder === 'string') return holder;
  return callSiteFromStack(holder.stack);
}
