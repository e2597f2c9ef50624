import type pg from 'pg';
import type { PerformanceReport } from '../profiling/report-types.js';
import type { ProfilingSnapshot } from '../profiling/snapshot-types.js';
import type { Sensitivity } from './dataset.js';

/**
 * Everything the server tells the profiler goes through this interface, so the critical path
 * names each step once (`span('load_tool', ...)`) and `profiling: false` swaps in a no-op that
 * runs the very same code uninstrumented. instrumentation.ts binds it to core/profiling.
 */

export interface CacheOpRecord {
  key: string;
  operation: 'get' | 'set' | 'delete';
  /** For gets. */
  hit?: boolean;
  durationMs: number;
  /** The decision's sensitivity when known (a miss learns it after evaluation). */
  sensitivity?: Sensitivity;
  /** For sets: the TTL written. */
  ttlS?: number;
}

export interface PoolRegistration {
  /** `policy` is the pool the report's pool section describes; `audit` is the separate audit pool. */
  role: 'policy' | 'audit';
  baseSize: number;
  maxOverflow: number;
}

export interface MetricsText {
  contentType: string;
  body: string;
}

/**
 * The span a piece of work belongs to, passed along explicitly (opaque outside
 * instrumentation.ts). Explicit, not AsyncLocalStorage: on Node 20 its promise hooks tax every
 * promise of the process (~0.2 µs each), which alone would exceed profiling's 2% budget.
 */
export type SpanCtx = { readonly __spanCtx: true } | null;

export interface SarkInstrumentation {
  readonly enabled: boolean;
  /** A request trace (root span): N+1 detection counts queries per trace. */
  trace<T>(name: string, fn: (ctx: SpanCtx) => Promise<T>): Promise<T>;
  /** A span under `parent`. */
  span<T>(parent: SpanCtx, name: string, fn: (ctx: SpanCtx) => Promise<T>): Promise<T>;
  /**
   * The same two without a wrapping promise, for the hot path (each span of trace/span adds a
   * promise and a reaction, ~0.5 µs): open one, await the work, then endSpan it exactly once,
   * `failed` if the work threw. With profiling off they return `parent` (null for a trace).
   * `atMs`: a `performance.now()` the caller has just read, used instead of reading the clock
   * again (the hot path shares its own reads with the spans).
   */
  beginTrace(name: string, atMs?: number): SpanCtx;
  beginSpan(parent: SpanCtx, name: string, atMs?: number): SpanCtx;
  endSpan(span: SpanCtx, failed?: boolean, atMs?: number): void;
  /**
   * Runs fn with `ctx` current for its synchronous part: the query (or cache command) it issues
   * is attributed to that span and its trace. Call it at the query's own line, so the call site
   * the profiler reports is that line.
   */
  within<T>(ctx: SpanCtx, fn: () => T): T;
  /** Returns the pool to use (instrumented when profiling) and starts monitoring it. */
  instrumentPool(pool: pg.Pool, registration: PoolRegistration): pg.Pool;
  recordCacheOp(op: CacheOpRecord): void;
  recordInvalidation(trigger: string, keysRemoved: number): void;
  /** The profiling library's report (null when profiling is off). */
  report(): PerformanceReport | null;
  /** What the child streams to the recorder (cumulative; histograms only when asked). */
  snapshot(withHistograms: boolean): ProfilingSnapshot;
  /** The same, for the periodic snapshots under load: histograms encoded one per event-loop turn. */
  snapshotSpread(withHistograms: boolean): Promise<ProfilingSnapshot>;
  metrics(): Promise<MetricsText>;
  /** Forgets everything recorded (after startup work such as pre-warming). */
  reset(): void;
  close(): void;
}
