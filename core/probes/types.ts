import type {
  CacheSection,
  CachePatternStats,
  DistributionStats,
  QueriesSection,
  SlowQuery,
} from '../profiling/report-types.js';

/**
 * Shapes shared by the external-target probes. A probe watches a user's own server read-only,
 * streams samples while it runs (the recorder stores them as `probe_samples` rows) and, after
 * stop(), turns the window between start() and stop() into report sections.
 */

export type ProbeName = 'postgres' | 'redis';

/** One sample as streamed to the recorder: JSON-serialisable, bounded in size. */
export interface ProbeSample {
  probe: ProbeName;
  /** Epoch ms when the sample was taken. */
  t_ms: number;
  data: ProbeSampleData;
}

/** `kind` says which reading this is; the rest depends on it (see each probe's *-samples type). */
export interface ProbeSampleData {
  kind: string;
  [field: string]: unknown;
}

export type SampleListener = (sample: ProbeSample) => void;

/** What "test connection" shows: can the probe do its job here, and what is missing. */
export interface ProbeCapabilities {
  ok: boolean;
  probe: ProbeName;
  /** Redacted target, e.g. `postgres://app:***@db:5432/app`. */
  target: string;
  version: string;
  features: Record<string, boolean>;
  /** One line each, actionable (what is missing and how to enable it). */
  warnings: string[];
}

/** The queries section as filled from pg_stat_statements (no per-execution percentiles there). */
export interface ProbeQueriesSection extends QueriesSection {
  source: 'pg_stat_statements';
}

/** The cache section as filled from Redis INFO (and, opt-in, MONITOR per key pattern). */
export interface ProbeCacheSection extends CacheSection {
  source: 'redis_info' | 'redis_info+monitor';
  /** How the figures were obtained and what INFO cannot give (latency distributions). */
  note: string;
}

export interface PostgresActivitySummary {
  samples: number;
  /** Client backends seen, the probe's own excluded. */
  connections: DistributionStats;
  active: DistributionStats;
  idle_in_transaction: DistributionStats;
  waiting_on_locks: DistributionStats;
  /** Peak count per state / application / database over the window. */
  max_by_state: Record<string, number>;
  max_by_application: Record<string, number>;
  max_by_database: Record<string, number>;
  /** Longest a statement had been running when a sample saw it. */
  longest_active_ms: number;
  /** Statements seen running for >= LONG_RUNNING_MS (one entry per backend+start, bounded). */
  long_running: { pid: number; application: string; query: string; seen_running_ms: number; started_at: string }[];
}

export interface TableScanStats {
  table: string;
  seq_scan: number;
  seq_tup_read: number;
  idx_scan: number;
  idx_tup_fetch: number;
  /** idx_scan / (seq_scan + idx_scan) over the window; null when the table was not scanned. */
  idx_scan_ratio: number | null;
  n_tup_ins: number;
  n_tup_upd: number;
  n_tup_del: number;
  /** Gauge at the end of the window. */
  n_live_tup: number;
  n_dead_tup: number;
  /** PgHero's "missing index" rule held over the window (see pg-tables.ts). */
  missing_index_suspect: boolean;
}

export interface IndexScanStats {
  table: string;
  index: string;
  idx_scan: number;
  idx_tup_read: number;
  idx_tup_fetch: number;
}

export interface PostgresExtras {
  version: string;
  database: string;
  /** Length of the window the deltas cover. */
  window_ms: number;
  pg_stat_statements: boolean;
  /** Where `queries` came from and how its percentiles were set. */
  queries_note: string | null;
  activity: PostgresActivitySummary;
  tables: TableScanStats[];
  indexes: IndexScanStats[];
  /** Indexes of the database with zero scans in the window (bounded). */
  unused_indexes: string[];
}

export interface PostgresProbeSections {
  queries: ProbeQueriesSection | null;
  slow_queries: SlowQuery[];
  postgres: PostgresExtras;
  warnings: string[];
}

export interface RedisCommandStats {
  command: string;
  calls: number;
  usec: number;
  usec_per_call: number;
  rejected_calls: number;
  failed_calls: number;
}

export interface RedisSlowlogEntry {
  id: number;
  /** ISO 8601 time the command started. */
  at: string;
  duration_us: number;
  /** Command and arguments as logged (Redis truncates long ones). */
  command: string;
  client_addr: string;
  client_name: string;
}

export interface RedisPatternStats extends CachePatternStats {
  /** Commands with a key of this pattern (MGET counts once per key). */
  reads: number;
  writes: number;
}

export interface RedisMonitorSummary {
  /** How long MONITOR ran (from the start marker to the end marker). */
  seconds: number;
  /** Commands MONITOR delivered from clients other than the probe. */
  commands_seen: number;
  /** Of those, commands whose keys the probe does not know how to find (see redis-commands.ts). */
  unattributed_commands: number;
  /** Key lookups for reading (what Redis counts as hits + misses) seen by MONITOR. */
  lookups: number;
  /** `keymiss` notifications received (null when they could not be enabled). */
  keymiss_events: number | null;
  by_pattern: RedisPatternStats[];
  /** Both streams saw the probe's start and end markers: the counts cover the same server instants. */
  complete: boolean;
  /** notify-keyspace-events before the probe changed it; null when the probe did not change it. */
  previous_notify_keyspace_events: string | null;
  restored: boolean;
}

export interface RedisExtras {
  version: string;
  window_ms: number;
  ops_per_s: number;
  total_commands: number;
  keyspace_hits: number;
  keyspace_misses: number;
  expired_keys: number;
  evicted_keys: number;
  commandstats: RedisCommandStats[];
  slowlog: RedisSlowlogEntry[];
  clients: { connected: DistributionStats; blocked: DistributionStats };
  memory: { used_bytes_max: number; peak_bytes: number; maxmemory_bytes: number; fragmentation_ratio: number };
  /** Keys per database at the end of the window (`db0` -> count). */
  keyspace: Record<string, { keys: number; expires: number }>;
  monitor: RedisMonitorSummary | null;
}

export interface RedisProbeSections {
  cache: ProbeCacheSection;
  redis: RedisExtras;
  warnings: string[];
}

/** What every probe offers the recorder and the observe-only helper. */
export interface Probe {
  readonly name: ProbeName;
  check(): Promise<ProbeCapabilities>;
  /** Takes the base readings (awaited), then samples every intervalMs until stop(). */
  start(intervalMs?: number): Promise<void>;
  /** Takes the final readings; the sections then cover start..stop. */
  stop(): Promise<void>;
  onSample(listener: SampleListener): () => void;
  toReportSections(): PostgresProbeSections | RedisProbeSections;
  close(): Promise<void>;
}
