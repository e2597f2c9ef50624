import type { PerformanceReport } from './report-types.js';

/**
 * What an instrumented process streams to the recorder (the embedded SARK server sends one
 * over IPC every second). Snapshots are *cumulative* since the profilers were last reset, so
 * a lost or late message costs nothing: the recorder keeps the newest and derives per-second
 * deltas (queries/s per fingerprint, hit rate per second) from consecutive ones.
 */

/** One reading of a connection pool (ConnectionPoolMonitor.sample()). */
export interface PoolSample {
  /** Epoch ms. */
  t_ms: number;
  /** Base pool size. */
  size: number;
  /** Connections open (idle + checked out). */
  total: number;
  checked_out: number;
  idle: number;
  /** Callers queued for a connection. */
  waiting: number;
  /** Checked-out connections beyond the base size. */
  overflow: number;
}

export interface ProfilingSnapshot {
  /** Increments by one per snapshot of a process. */
  seq: number;
  /** Epoch ms when it was taken. */
  t_ms: number;
  report: PerformanceReport;
  /** Pool samples taken since the previous snapshot (bounded; oldest dropped first). */
  pool_samples: PoolSample[];
  /**
   * Encoded LatencyHistograms (see histogram.ts) keyed by query fingerprint and function name,
   * so sessions can be merged and compared on distributions. Present every few snapshots and
   * always in the final one; null otherwise.
   */
  histograms: { queries: Record<string, string>; functions: Record<string, string> } | null;
}
