import { UsageError } from '../common/errors.js';

/** Options of the query profiler; every field optional, defaults below. */
export interface QueryProfilerOptions {
  /** A query at or above this duration is slow (the seed's threshold: 100 ms). */
  slowQueryThresholdMs?: number;
  /** Same fingerprint this many times in one trace is an N+1 finding (seed: 5). */
  nPlusOneThreshold?: number;
  /** Outside traces: this many queries of one fingerprint within this window (ms). */
  nPlusOneWindowMs?: number;
  /**
   * Statements never recorded. A RegExp is tested against the statement text; a string matches
   * the whole statement, ignoring case, surrounding whitespace and a trailing semicolon.
   */
  exclude?: ReadonlyArray<RegExp | string>;
  /** Distinct fingerprints tracked; later ones are counted together as "other". */
  maxFingerprints?: number;
  /** Slow queries kept (the slowest). */
  maxSlowQueries?: number;
  /** Distinct N+1 findings kept. */
  maxFindings?: number;
}

export interface ResolvedQueryOptions {
  slowQueryThresholdMs: number;
  nPlusOneThreshold: number;
  nPlusOneWindowMs: number;
  exclude: RegExp[];
  maxFingerprints: number;
  maxSlowQueries: number;
  maxFindings: number;
}

/** Health checks (`SELECT 1`, what pools and load balancers send) are noise in a query profile. */
export const DEFAULT_EXCLUDES: readonly RegExp[] = [/^\s*select\s+1\s*;?\s*$/i];

/** The seed's window: "1,247 times in 0.8 seconds" fits in one second. */
const DEFAULT_WINDOW_MS = 1_000;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function toRegExp(pattern: RegExp | string): RegExp {
  if (pattern instanceof RegExp) {
    // A global or sticky RegExp keeps lastIndex between test() calls; drop those flags.
    return pattern.global || pattern.sticky ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')) : pattern;
  }
  if (typeof pattern !== 'string' || pattern.trim() === '') throw new UsageError('exclude patterns must be RegExps or non-empty strings');
  const body = escapeRegExp(pattern.trim().replace(/;\s*$/, '')).replace(/\s+/g, '\\s+');
  return new RegExp(`^\\s*${body}\\s*;?\\s*$`, 'i');
}

function positive(name: string, value: number, integer: boolean, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new UsageError(`${name} must be ${integer ? 'an integer' : 'a number'} >= ${min} (got ${String(value)})`);
  }
  return value;
}

export function resolveQueryOptions(o: QueryProfilerOptions): ResolvedQueryOptions {
  if (o === null || typeof o !== 'object') throw new UsageError('query profiler options must be an object');
  if (o.exclude !== undefined && !Array.isArray(o.exclude)) throw new UsageError('exclude must be an array of RegExps or strings');
  return {
    slowQueryThresholdMs: positive('slowQueryThresholdMs', o.slowQueryThresholdMs ?? 100, false, 0),
    // A threshold of 1 would flag every query; 2 is the least that means "repeated".
    nPlusOneThreshold: positive('nPlusOneThreshold', o.nPlusOneThreshold ?? 5, true, 2),
    nPlusOneWindowMs: positive('nPlusOneWindowMs', o.nPlusOneWindowMs ?? DEFAULT_WINDOW_MS, false, 1),
    exclude: (o.exclude ?? DEFAULT_EXCLUDES).map(toRegExp),
    maxFingerprints: positive('maxFingerprints', o.maxFingerprints ?? 1_000, true, 1),
    maxSlowQueries: positive('maxSlowQueries', o.maxSlowQueries ?? 100, true, 1),
    maxFindings: positive('maxFindings', o.maxFindings ?? 200, true, 1),
  };
}
