import { WorkbenchError } from '../../common/errors.js';
import { LatencyHistogram } from '../../profiling/histogram.js';
import type { LatencyMs } from '../../profiling/report-types.js';

/** Seconds since the session started, both ends inclusive; either may be omitted. */
export interface RangeS {
  fromS?: number;
  toS?: number;
}

/** Epoch ms, both ends inclusive; either may be omitted. */
export interface RangeMs {
  fromMs?: number;
  toMs?: number;
}

/** Bounds for `BETWEEN @from AND @to` that let an omitted end match everything. */
export function bounds(from: number | undefined, to: number | undefined): { from: number; to: number } {
  return { from: from ?? -Number.MAX_VALUE, to: to ?? Number.MAX_VALUE };
}

/** Decodes a stored histogram; a damaged one is a clear error naming what it belongs to. */
export function decodeHistogram(encoded: string, what: string): LatencyHistogram {
  try {
    return LatencyHistogram.decode(encoded);
  } catch (err) {
    throw new WorkbenchError(`session store: the stored histogram of ${what} is damaged`, 1, { cause: err });
  }
}

export function latencyMs(h: LatencyHistogram): LatencyMs {
  const s = h.summary();
  return { mean: s.mean, p50: s.p50, p95: s.p95, p99: s.p99, max: s.max };
}

export function isoFromMs(ms: number): string {
  return new Date(ms).toISOString();
}
