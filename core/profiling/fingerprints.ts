import { fingerprintSync, loadModule, normalizeSync } from 'libpg-query';
import { setEvictingOldest } from './bounded.js';
import { fallbackFingerprint, fallbackNormalize, shapeKey } from './sql-normalize.js';

/**
 * Query fingerprints from the real Postgres parser (libpg-query, as PgHero and pganalyze do):
 * `WHERE id = 'a'` and `WHERE id = 'b'` share one, `IN (1,2,3)` and `= ANY($1)` share one.
 *
 * libpg-query is WebAssembly and loads asynchronously (~60 ms); after `loadModule()` its
 * `fingerprintSync` costs 36-200 µs per call on this kind of machine (VERIFIED.md and our own
 * measurement), so every result is cached: per statement text by the query profiler, and here
 * per literal-free shape, so that inline-literal variants of one statement parse once.
 * The module is process-wide, so this resolver is too.
 */

/** Distinct literal-free shapes remembered; one entry is a string pair (~200 bytes). */
const SHAPE_CACHE_SIZE = 10_000;

type LoadState = 'idle' | 'loading' | 'ready' | 'failed';

let state: LoadState = 'idle';
let loading: Promise<void> | null = null;
const shapeCache = new Map<string, string>();
let parses = 0;

/** Starts loading libpg-query (idempotent); resolves when it is usable or has failed. */
export function loadFingerprinter(): Promise<void> {
  if (loading !== null) return loading;
  state = 'loading';
  loading = loadModule().then(
    () => {
      state = 'ready';
    },
    (err: unknown) => {
      // Without the parser we still group statements, with the regex normaliser.
      state = 'failed';
      process.emitWarning(`libpg-query failed to load; using regex fingerprints (${String(err)})`, 'SarkWorkbenchProfiling');
    },
  );
  return loading;
}

/** True once fingerprints can be computed synchronously (parser loaded, or given up on). */
export function fingerprinterReady(): boolean {
  return state === 'ready' || state === 'failed';
}

function parseFingerprint(text: string): string {
  parses++;
  if (state === 'ready') {
    try {
      return fingerprintSync(text);
    } catch {
      // Not Postgres SQL (or a syntax error): group it by its regex-normalised text.
    }
  }
  return fallbackFingerprint(text);
}

/**
 * The fingerprint of a statement. Call only when fingerprinterReady(); callers cache the
 * result per text, and this caches per literal-free shape.
 */
export function fingerprintOf(text: string): string {
  const shape = shapeKey(text);
  if (shape === null) return parseFingerprint(text);
  let fp = shapeCache.get(shape);
  if (fp === undefined) {
    fp = parseFingerprint(text);
    setEvictingOldest(shapeCache, shape, fp, SHAPE_CACHE_SIZE);
  }
  return fp;
}

/** The normalised statement shown in reports (`$1` for constants); once per fingerprint. */
export function normalizedQuery(text: string): string {
  if (state === 'ready') {
    try {
      return normalizeSync(text);
    } catch {
      // fall through
    }
  }
  return fallbackNormalize(text);
}

/** Statements parsed so far (each costs tens of µs): tests check the caches avoid re-parsing. */
export function fingerprintParseCount(): number {
  return parses;
}
