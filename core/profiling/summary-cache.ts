import type { LatencyHistogram } from './histogram.js';

/**
 * p50/p95/p99 of a histogram, recomputed only when it has recorded something new. Snapshots
 * read every fingerprint's and function's percentiles once a second; idle ones cost nothing.
 */

interface Cached {
  count: number;
  values: [number, number, number];
  atMs: number;
}

const PERCENTILES: readonly number[] = [50, 95, 99];
const cache = new WeakMap<LatencyHistogram, Cached>();

/** See withPercentileMaxAge: 0 (the default) always recomputes a changed histogram. */
let maxAgeMs = 0;

/**
 * Runs fn with percentiles up to `ms` old accepted for histograms that changed since: the
 * embedded server's once-a-second snapshots under load, where every histogram changes every
 * second and recomputing them all (a scan of each one's buckets, ~1.5 ms for twenty) is most
 * of a snapshot's cost. Reports and final snapshots are always exact.
 */
export function withPercentileMaxAge<T>(ms: number, fn: () => T): T {
  const previous = maxAgeMs;
  maxAgeMs = ms;
  try {
    return fn();
  } finally {
    maxAgeMs = previous;
  }
}

export function percentilesOf(h: LatencyHistogram): [p50: number, p95: number, p99: number] {
  const c = cache.get(h);
  if (c !== undefined && (c.count === h.count || (maxAgeMs > 0 && performance.now() - c.atMs < maxAgeMs))) return c.values;
  const values = h.percentiles(PERCENTILES) as [number, number, number];
  cache.set(h, { count: h.count, values, atMs: performance.now() });
  return values;
}

const encoded = new WeakMap<LatencyHistogram, { count: number; text: string }>();

/** h.encode(), reused while the histogram has not changed (encoding deflates: ~0.1 ms each). */
export function encodedOf(h: LatencyHistogram): string {
  const c = encoded.get(h);
  if (c !== undefined && c.count === h.count) return c.text;
  const text = h.encode();
  encoded.set(h, { count: h.count, text });
  return text;
}
