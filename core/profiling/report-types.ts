/**
 * The report sections of ARCHITECTURE.md ("Report JSON"), shared by the profiling library's
 * `generatePerformanceReport()` and the session report (core/report). snake_case, units in
 * names, hit rates as fractions 0..1. `resources/report.schema.json` is the one definition of
 * the exported file; these types must stay in step with it.
 */

export interface LatencyMs {
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'n/a';

/** One row of the critical-metrics table (the seed's "Metric / Target / Actual / Status"). */
export interface Check {
  id: string;
  name: string;
  /** Human target, e.g. "< 50 ms". */
  target: string;
  /** Measured value in `unit`; null when the session has no data for it. */
  actual: number | null;
  unit: string;
  status: CheckStatus;
}

export interface QueryFingerprintStats {
  fingerprint: string;
  /** Normalised statement ($1, $2 for constants). */
  query: string;
  count: number;
  errors: number;
  total_ms: number;
  mean_ms: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  rows: number;
}

export interface QueriesSection {
  total_queries: number;
  avg_duration_ms: number;
  slow_queries_count: number;
  slow_query_threshold_ms: number;
  by_fingerprint: QueryFingerprintStats[];
}

export interface SlowQuery {
  fingerprint: string;
  query: string;
  /** The statement as issued, with parameters elided. */
  statement: string;
  duration_ms: number;
  rows: number;
  /** ISO 8601 time the query finished. */
  at: string;
  call_site: string | null;
  error: string | null;
}

export interface NPlusOneFinding {
  fingerprint: string;
  query: string;
  /** Queries that took part in the pattern (summed over affected traces or windows). */
  occurrences: number;
  /** Number of traces (requests) in which the pattern crossed the threshold; 0 for window detections. */
  traces_affected: number;
  /** Largest count in one trace (or one window). */
  max_per_trace: number;
  total_duration_ms: number;
  example: string;
  /** file:line of the caller in the user's code, or null if it could not be found. */
  call_site: string | null;
  /** 'trace' when detected inside request traces, 'window' for the sliding-time-window fallback. */
  detection: 'trace' | 'window';
}

export interface DistributionStats {
  min: number;
  max: number;
  avg: number;
  p95: number;
  p99: number;
}

export interface PoolExhaustionEvent {
  /** ISO 8601 start. */
  start: string;
  duration_ms: number;
  peak_waiting: number;
}

export interface LongHeldConnection {
  held_ms: number;
  call_site: string | null;
  /** ISO 8601 time the connection was acquired. */
  acquired_at: string;
}

export interface PoolSection {
  /** Base pool size (SQLAlchemy pool_size); connections beyond it are overflow. */
  size: number;
  max_overflow: number;
  samples: number;
  checked_out: DistributionStats;
  overflow: DistributionStats;
  waiting: DistributionStats;
  exhaustion_events: number;
  exhaustion_time_pct: number;
  avg_checkout_ms: number;
  checkout_ms: LatencyMs;
  events: PoolExhaustionEvent[];
  long_held: LongHeldConnection[];
}

export interface CachePatternStats {
  pattern: string;
  operations: number;
  hits: number;
  misses: number;
  hit_rate: number;
  avg_latency_ms: number;
}

export interface CacheSensitivityStats {
  sensitivity: string;
  /** Mean TTL (s) applied by writes of this sensitivity; null when none were seen. */
  ttl_s: number | null;
  operations: number;
  hits: number;
  misses: number;
  hit_rate: number;
  avg_latency_ms: number;
}

export interface CacheInvalidation {
  trigger: string;
  count: number;
  keys_removed: number;
}

export interface LatencyBucket {
  /** Inclusive lower bound, ms. */
  from_ms: number;
  /** Exclusive upper bound, ms; null for the open last bucket. */
  to_ms: number | null;
  count: number;
}

export interface CacheSection {
  operations: number;
  gets: number;
  sets: number;
  deletes: number;
  hits: number;
  misses: number;
  hit_rate: number;
  hit_latency_ms: { avg: number; p95: number };
  miss_latency_ms: { avg: number; p95: number };
  by_pattern: CachePatternStats[];
  by_sensitivity: CacheSensitivityStats[];
  invalidations: CacheInvalidation[];
  /** The seed's buckets: 0-1, 1-2, 2-3, 3-4, 4-5, 5-10, >10 ms. */
  hit_latency_histogram: LatencyBucket[];
  miss_latency_histogram: LatencyBucket[];
}

export interface FunctionStats {
  name: string;
  calls: number;
  errors: number;
  total_ms: number;
  self_ms: number;
  mean_ms: number;
  p95_ms: number;
  p99_ms: number;
}

/** A node of the call tree (flame graph): names along the path from a root span. */
export interface CallTreeNode {
  name: string;
  calls: number;
  total_ms: number;
  self_ms: number;
  children: CallTreeNode[];
}

export interface Recommendation {
  id: string;
  title: string;
  impact: 'high' | 'medium' | 'low';
  effort: 'low' | 'medium' | 'high';
  /** Figures from this session that support it. */
  evidence: string[];
  /** The concrete change: a statement, a setting, a code shape. */
  action: string;
}

export interface TimelinePoint {
  t_s: number;
  rps: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  errors: number;
  pool_checked_out: number | null;
  pool_waiting: number | null;
  cache_hit_rate: number | null;
}

/** What the profiling library's generatePerformanceReport() returns. */
/** How many request traces the function profiler timed (see FunctionProfiler.setTimingBudget). */
export interface FunctionTiming {
  /** Explicit-context traces (requests) seen since the last reset. */
  traces: number;
  /** Of those, the ones whose spans were timed; the rest were counted only. */
  timed_traces: number;
  /** Traces a second timed in full; null when every trace is timed. */
  budget_per_s: number | null;
}

export interface PerformanceReport {
  generated_at: string;
  queries: QueriesSection;
  slow_queries: SlowQuery[];
  n_plus_one: NPlusOneFinding[];
  /** null when no pool monitor is registered. */
  pool: PoolSection | null;
  cache: CacheSection;
  functions: FunctionStats[];
  call_tree: CallTreeNode[];
  /**
   * Present when span timings were sampled: calls and errors are exact, times, percentiles and
   * the call tree are estimates from `timed_traces` of `traces`, weighted.
   */
  function_timing?: FunctionTiming;
}
