import type {
  CacheInvalidation,
  CachePatternStats,
  CacheSensitivityStats,
  CallTreeNode,
  FunctionStats,
  LatencyBucket,
  NPlusOneFinding,
  PoolSection,
  QueryFingerprintStats,
} from '../profiling/report-types.js';
import type { JsonValue } from './json-types.js';

/**
 * Typed rows of every table the writer fills, keyed by table name. Field names are the column
 * names (snake_case). Times inside a session are epoch ms (`*_ms` instants) or seconds since the
 * session started (`t_s`); histograms are LatencyHistogram.encode() strings.
 */

export interface TimelineRow {
  session_id: string;
  /** Seconds since the session started; one row per second. */
  t_s: number;
  requests: number;
  rps: number;
  errors: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  pool_checked_out: number | null;
  pool_waiting: number | null;
  cache_hit_rate: number | null;
  /** Database queries issued in this second; null when unknown. */
  queries: number | null;
}

export interface LatencyWindowRow {
  session_id: string;
  /** Window start, seconds since the session started. */
  t_s: number;
  /** Window length; default 1. */
  window_s?: number;
  /** Request kind (traffic-mix class), e.g. `cached`, `unique`. */
  kind: string;
  count: number;
  errors: number;
  hist: string;
}

/** One fingerprint's cumulative stats (the report's QueryFingerprintStats) and its histogram. */
export type QueryStatsRow = { session_id: string } & QueryFingerprintStats & {
  /** null keeps the histogram stored by an earlier upsert. */
  hist: string | null;
};

export interface QueryWindowRow {
  session_id: string;
  t_s: number;
  fingerprint: string;
  count: number;
  total_ms: number;
}

export interface SlowQueryRow {
  session_id: string;
  fingerprint: string;
  query: string;
  statement: string;
  duration_ms: number;
  rows: number;
  /** Epoch ms the query finished. */
  at_ms: number;
  call_site: string | null;
  error: string | null;
}

export type NPlusOneRow = { session_id: string } & NPlusOneFinding;

export interface PoolSampleRow {
  session_id: string;
  /** Pool name; default `default` (the embedded server may run a separate audit pool). */
  pool?: string;
  t_ms: number;
  size: number;
  total: number;
  checked_out: number;
  idle: number;
  waiting: number;
  overflow: number;
}

export interface PoolEventRow {
  session_id: string;
  pool?: string;
  kind: 'exhaustion' | 'long_held';
  /** Exhaustion: start; long_held: when the connection was acquired. Epoch ms. */
  at_ms: number;
  duration_ms: number;
  /** Exhaustion only. */
  peak_waiting: number | null;
  /** long_held only. */
  call_site: string | null;
}

export interface PoolStatsRow {
  session_id: string;
  pool?: string;
  data: PoolSection;
}

export type CachePatternRow = { session_id: string } & CachePatternStats;

export type CacheSensitivityRow = { session_id: string } & CacheSensitivityStats;

export type CacheInvalidationRow = { session_id: string } & CacheInvalidation;

export interface CacheStatsRow {
  session_id: string;
  operations: number;
  gets: number;
  sets: number;
  deletes: number;
  hits: number;
  misses: number;
  hit_rate: number;
  hit_avg_ms: number;
  hit_p95_ms: number;
  miss_avg_ms: number;
  miss_p95_ms: number;
  hit_latency_histogram: LatencyBucket[];
  miss_latency_histogram: LatencyBucket[];
}

export type FunctionStatsRow = { session_id: string } & FunctionStats & {
  /** null keeps the histogram stored by an earlier upsert. */
  hist: string | null;
};

export interface CallTreeRow {
  session_id: string;
  tree: CallTreeNode[];
}

export interface RecommendationRow {
  session_id: string;
  /** 1 = most important. */
  rank: number;
  id: string;
  title: string;
  impact: 'high' | 'medium' | 'low';
  effort: 'low' | 'medium' | 'high';
  evidence: string[];
  action: string;
}

export interface RequestTraceRow {
  session_id: string;
  /** 0, 1, 2... in send order. */
  seq: number;
  /** Intended send time, ms since the load started (open loop: the schedule, not the actual send). */
  t_offset_ms: number;
  kind: string;
  method: string;
  path: string;
  body: string | null;
  status: number | null;
  latency_ms: number | null;
  /** timeout, refused, reset, 4xx, 5xx...; null on success. */
  error_class: string | null;
}

export interface ProbeSampleRow {
  session_id: string;
  /** e.g. `pg_stat_statements`, `redis_info`. */
  probe: string;
  t_ms: number;
  data: JsonValue;
}

export const EVENT_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type EventLevel = (typeof EVENT_LEVELS)[number];

export interface EventRow {
  session_id: string;
  t_ms: number;
  level: EventLevel;
  kind: string;
  message: string;
}

export interface LatencyTotalsRow {
  session_id: string;
  /** Request kind, or '*' for every request. */
  kind: string;
  requests: number;
  errors: number;
  mean_ms: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  hist: string | null;
}

export interface ReportSectionRow {
  session_id: string;
  /** e.g. `checks`, `query_totals`, `errors_by_class`, `probes`. */
  name: string;
  data: JsonValue;
}

export interface TableRows {
  timeline: TimelineRow;
  latency_windows: LatencyWindowRow;
  query_stats: QueryStatsRow;
  query_windows: QueryWindowRow;
  slow_queries: SlowQueryRow;
  n_plus_one: NPlusOneRow;
  pool_samples: PoolSampleRow;
  pool_events: PoolEventRow;
  pool_stats: PoolStatsRow;
  cache_patterns: CachePatternRow;
  cache_sensitivity: CacheSensitivityRow;
  cache_invalidations: CacheInvalidationRow;
  cache_stats: CacheStatsRow;
  function_stats: FunctionStatsRow;
  call_tree: CallTreeRow;
  recommendations: RecommendationRow;
  request_trace: RequestTraceRow;
  probe_samples: ProbeSampleRow;
  events: EventRow;
  latency_totals: LatencyTotalsRow;
  report_sections: ReportSectionRow;
}

export type TableName = keyof TableRows;
