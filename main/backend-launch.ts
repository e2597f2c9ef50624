import { join } from 'node:path';
import { UsageError, WorkbenchError } from '../core/common/errors.js';

/**
 * How the desktop app starts its backend (`sark-workbench ui`), as plain data so it is
 * unit-tested without Electron. ARCHITECTURE.md "Processes": in development the backend runs
 * on the system `node`, so the better-sqlite3 build that serves the tests and the CLI serves
 * `npm start` too; only the packaged app runs it inside Electron (utilityProcess.fork), with the
 * native module rebuilt for Electron's ABI by electron-builder (`npmRebuild`).
 */

export interface LaunchInput {
  /** app.isPackaged */
  isPackaged: boolean;
  /** app.getAppPath(): the package root in development, the app.asar path when packaged. */
  appPath: string;
  env: NodeJS.ProcessEnv;
  /** --db from the app's own command line, if any. */
  dbPath?: string;
}

export type LaunchPlan =
  | { kind: 'node'; command: string; args: string[] }
  | { kind: 'utility'; modulePath: string; args: string[] };

/** The CLI entry both ways: it imports dist/core/cli/main.js and runs main(process.argv). */
export function cliEntry(appPath: string): string {
  return join(appPath, 'core', 'cli', 'bin.js');
}

/**
 * `ui --port 0 [--db PATH]`: a free loopback port chosen by the OS. No `--allow-origin`: the
 * window loads its page from the backend itself, so the page's origin is the backend's own, the
 * one origin it always accepts. (A renderer dev server is not supported in the window: Vite's
 * dev mode injects <style> elements, which the CSP without 'unsafe-inline' rightly blocks.)
 */
export function backendArgs(input: Pick<LaunchInput, 'dbPath'>): string[] {
  const args = ['ui', '--port', '0'];
  if (input.dbPath !== undefined) args.push('--db', input.dbPath);
  return args;
}

export function launchPlan(input: LaunchInput): LaunchPlan {
  const args = backendArgs(input);
  if (input.isPackaged) return { kind: 'utility', modulePath: cliEntry(input.appPath), args };
  const node = input.env.SARK_WORKBENCH_NODE?.trim() || 'node';
  return { kind: 'node', command: node, args: [cliEntry(input.appPath), ...args] };
}

/** `--db PATH` or `--db=PATH` on the app's own command line (electron . --db /tmp/x.sqlite). */
export function dbPathFromArgv(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--db') {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError('--db needs a path');
      return next;
    }
    if (a?.startsWith('--db=')) {
      const value = a.slice('--db='.length);
      if (value === '') throw new UsageError('--db needs a path');
      return value;
    }
  }
  return undefined;
}

/** What the backend's one stdout line says: where it listens and the per-launch token. */
export interface BackendAddress {
  /** http://127.0.0.1:PORT (no path, no token). */
  origin: string;
  port: number;
  token: string;
  /** The page to load: the backend's root, without the token (the preload hands it over). */
  pageUrl: string;
}

/** The token is 32 random bytes in hex (core/api/server.ts); tests may pass shorter fixed ones. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,256}$/;

/** Parses `http://127.0.0.1:PORT/?token=TOKEN`; anything else means the backend is not ours or broke. */
export function parseBackendLine(line: string): BackendAddress {
  const text = line.trim();
  const fail = (why: string) => new WorkbenchError(`the backend printed an unexpected first line (${why}): ${text.slice(0, 200)}`);
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw fail('not a URL');
  }
  if (u.protocol !== 'http:' || u.hostname !== '127.0.0.1') throw fail('not http://127.0.0.1');
  if (u.username !== '' || u.password !== '') throw fail('credentials in the URL');
  const port = Number(u.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw fail('no port');
  if (u.pathname !== '/' || u.hash !== '') throw fail('unexpected path');
  const token = u.searchParams.get('token');
  if (token === null || !TOKEN_PATTERN.test(token) || [...u.searchParams.keys()].length !== 1) throw fail('no valid token');
  return { origin: u.origin, port, token, pageUrl: `${u.origin}/` };
}
