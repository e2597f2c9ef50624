import type { LatencyHistogram } from './histogram.js';

/**
 * p50/p95/p99 of a histogram, recomputed only when it has recorded something new. Snapshots
 * read every fingerprint's and function's percentiles once a second; idle ones cost nothing.
 */

interface Cached {
  count: number;
  values: [number, number, number];
}

const PERCENTILES: readonly number[] = [50, 95, 99];
const cache = new WeakMap<LatencyHistogram, Cached>();

export function percentilesOf(h: LatencyHistogram): [p50: number, p95: number, p99: number] {
  const c = cache.get(h);
  if (c !== undefined && c.count === h.count) return c.values;
  const values = h.percentiles(PERCENTILES) as [number, number, number];
  cache.set(h, { count: h.count, values });
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
