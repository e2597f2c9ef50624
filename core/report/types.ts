import type {
  CacheSection,
  CallTreeNode,
  Check,
  FunctionStats,
  FunctionTiming,
  LatencyMs,
  NPlusOneFinding,
  PoolSection,
  QueriesSection,
  Recommendation,
  SlowQuery,
  TimelinePoint,
} from '../profiling/report-types.js';

/**
 * The session report: what `report --json`, `profile --json` and `export` write, and what
 * `import` reads. `resources/report.schema.json` is the one definition of the file; keep both in
 * step (test/unit/report checks a full report against the schema).
 */

/** Bumped when a change would make an older reader misread a file. */
export const REPORT_SCHEMA_VERSION = 1;

export type SessionStatus = 'recording' | 'completed' | 'interrupted' | 'failed' | 'cancelled';
export type TargetKind = 'embedded' | 'external' | 'observe' | 'import';

export interface ReportSession {
  id: string;
  name: string;
  status: SessionStatus;
  source: 'recorded' | 'imported' | 'replay';
  target_kind: TargetKind;
  /** Redacted: no password or token ever appears here. */
  target: Record<string, unknown>;
  profile: string | null;
  knobs: Record<string, unknown>;
  load: Record<string, unknown>;
  seed: number | null;
  started_at: string | null;
  ended_at: string | null;
  duration_s: number;
  parent_id: string | null;
  workbench_version: string;
}

export interface KindLatency {
  kind: string;
  requests: number;
  errors: number;
  latency_ms: LatencyMs;
}

export interface ReportSummary {
  requests: number;
  errors: number;
  throughput_rps: number;
  latency_ms: LatencyMs;
  /** Decision-cache hit rate 0..1; null when the session saw no cache traffic. */
  cache_hit_rate: number | null;
  checks: Check[];
}

export interface ReportLatency {
  by_kind: KindLatency[];
  errors_by_class: Record<string, number>;
}

/** Mergeable distributions (encoded LatencyHistograms), so comparisons keep working after import. */
export interface ReportHistograms {
  latency_by_kind: Record<string, string>;
  queries: Record<string, string>;
  functions: Record<string, string>;
}

/** What the external probes saw (Postgres statistics views, Redis INFO); free-form per probe. */
export interface ReportProbes {
  postgres?: Record<string, unknown>;
  redis?: Record<string, unknown>;
  warnings?: string[];
}

export interface SessionReport {
  schema_version: number;
  session: ReportSession;
  summary: ReportSummary;
  latency: ReportLatency;
  queries: QueriesSection;
  slow_queries: SlowQuery[];
  n_plus_one: NPlusOneFinding[];
  pool: PoolSection | null;
  cache: CacheSection | null;
  functions: FunctionStats[];
  call_tree: CallTreeNode[];
  recommendations: Recommendation[];
  timeline: TimelinePoint[];
  histograms: ReportHistograms;
  probes: ReportProbes | null;
  /** Present when the embedded server timed a sample of requests (its timing budget): see FunctionTiming. */
  function_timing?: FunctionTiming;
}
