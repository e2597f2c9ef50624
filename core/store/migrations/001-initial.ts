import type { Migration } from './migration.js';

/**
 * The first schema: one row per session in `sessions`, and per-session tables shaped after the
 * report sections (core/profiling/report-types.ts, ARCHITECTURE.md "Report JSON"). Every child
 * table starts its key with session_id and cascades from sessions, so deleting a session
 * removes everything recorded for it.
 *
 * Tables:
 * - sessions            one profiling session: status, target (URLs redacted), profile, knobs,
 *                       load config, seed, owner process + heartbeat (crash recovery), and the
 *                       headline summary the sessions list shows (JSON).
 * - timeline            one row per second: requests, rps, errors, p50/p95/p99, pool, hit rate.
 * - latency_windows     request-latency HDR histograms per window and request kind, mergeable
 *                       over any time range (comparison and `latency.by_kind`).
 * - query_stats         one cumulative row per query fingerprint (upserted from snapshots).
 * - query_windows       per-second query count / time per fingerprint (deltas).
 * - slow_queries        individual slow statements (a repeated snapshot entry is ignored).
 * - n_plus_one          N+1 findings per fingerprint and detection kind (upserted).
 * - pool_samples        pool readings (checked out, idle, waiting, overflow) per pool.
 * - pool_events         exhaustion episodes and connections held too long.
 * - pool_stats          the PoolSection per pool, as computed by the monitor (JSON).
 * - cache_stats         the CacheSection totals and latency buckets, one row per session.
 * - cache_patterns, cache_sensitivity, cache_invalidations  the cache breakdowns (upserted).
 * - function_stats      per profiled function, cumulative, with its histogram (upserted).
 * - call_tree           the call tree (flame graph) per session (JSON).
 * - recommendations     ranked findings with evidence (JSON list of strings) and action.
 * - request_trace       every request sent, in order, with its intended send time: the
 *                       workload a replay re-executes.
 * - probe_samples       raw readings of external probes (pg_stat_*, Redis INFO) as JSON.
 * - events              the session's event log (phases, warnings, errors).
 *
 * Per-row tables written at high rate (request_trace, timeline, windows) are WITHOUT ROWID with
 * their natural key, so an append costs one B-tree insert instead of two (table + key index).
 */
const SQL = `
CREATE TABLE sessions (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('recording','completed','interrupted','failed','cancelled')),
  created_at    TEXT NOT NULL,
  started_at    TEXT NOT NULL,
  ended_at      TEXT,
  duration_s    REAL,
  target_kind   TEXT NOT NULL CHECK (target_kind IN ('embedded','external','observe','import')),
  target        TEXT NOT NULL CHECK (json_valid(target)),
  profile       TEXT,
  knobs         TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(knobs)),
  load_config   TEXT CHECK (load_config IS NULL OR json_valid(load_config)),
  seed          INTEGER,
  parent_id     TEXT REFERENCES sessions(id) ON DELETE SET NULL,
  source        TEXT NOT NULL DEFAULT 'recorded' CHECK (source IN ('recorded','imported','replay')),
  error         TEXT,
  owner_pid     INTEGER,
  owner_host    TEXT,
  heartbeat_at  TEXT,
  summary       TEXT CHECK (summary IS NULL OR json_valid(summary))
);
CREATE INDEX sessions_created ON sessions (created_at DESC, id DESC);
CREATE INDEX sessions_status ON sessions (status);
CREATE INDEX sessions_parent ON sessions (parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE timeline (
  session_id        TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  t_s               INTEGER NOT NULL,
  requests          INTEGER NOT NULL,
  rps               REAL NOT NULL,
  errors            INTEGER NOT NULL,
  p50_ms            REAL NOT NULL,
  p95_ms            REAL NOT NULL,
  p99_ms            REAL NOT NULL,
  pool_checked_out  REAL,
  pool_waiting      REAL,
  cache_hit_rate    REAL,
  queries           INTEGER,
  PRIMARY KEY (session_id, t_s)
) WITHOUT ROWID;

CREATE TABLE latency_windows (
  session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  t_s         INTEGER NOT NULL,
  kind        TEXT NOT NULL,
  window_s    INTEGER NOT NULL DEFAULT 1,
  count       INTEGER NOT NULL,
  errors      INTEGER NOT NULL,
  hist        TEXT NOT NULL,
  PRIMARY KEY (session_id, t_s, kind)
) WITHOUT ROWID;

CREATE TABLE query_stats (
  session_id   TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  fingerprint  TEXT NOT NULL,
  query        TEXT NOT NULL,
  count        INTEGER NOT NULL,
  errors       INTEGER NOT NULL,
  total_ms     REAL NOT NULL,
  mean_ms      REAL NOT NULL,
  p50_ms       REAL NOT NULL,
  p95_ms       REAL NOT NULL,
  p99_ms       REAL NOT NULL,
  max_ms       REAL NOT NULL,
  rows         INTEGER NOT NULL,
  hist         TEXT,
  PRIMARY KEY (session_id, fingerprint)
) WITHOUT ROWID;

CREATE TABLE query_windows (
  session_id   TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  t_s          INTEGER NOT NULL,
  fingerprint  TEXT NOT NULL,
  count        INTEGER NOT NULL,
  total_ms     REAL NOT NULL,
  PRIMARY KEY (session_id, t_s, fingerprint)
) WITHOUT ROWID;
CREATE INDEX query_windows_fingerprint ON query_windows (session_id, fingerprint, t_s);

CREATE TABLE slow_queries (
  session_id   TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  at_ms        INTEGER NOT NULL,
  fingerprint  TEXT NOT NULL,
  duration_ms  REAL NOT NULL,
  query        TEXT NOT NULL,
  statement    TEXT NOT NULL,
  rows         INTEGER NOT NULL,
  call_site    TEXT,
  error        TEXT,
  PRIMARY KEY (session_id, at_ms, fingerprint, duration_ms)
) WITHOUT ROWID;

CREATE TABLE n_plus_one (
  session_id         TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  fingerprint        TEXT NOT NULL,
  detection          TEXT NOT NULL CHECK (detection IN ('trace','window')),
  query              TEXT NOT NULL,
  occurrences        INTEGER NOT NULL,
  traces_affected    INTEGER NOT NULL,
  max_per_trace      INTEGER NOT NULL,
  total_duration_ms  REAL NOT NULL,
  example            TEXT NOT NULL,
  call_site          TEXT,
  PRIMARY KEY (session_id, fingerprint, detection)
) WITHOUT ROWID;

CREATE TABLE pool_samples (
  session_id   TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  pool         TEXT NOT NULL DEFAULT 'default',
  t_ms         INTEGER NOT NULL,
  size         INTEGER NOT NULL,
  total        INTEGER NOT NULL,
  checked_out  INTEGER NOT NULL,
  idle         INTEGER NOT NULL,
  waiting      INTEGER NOT NULL,
  overflow     INTEGER NOT NULL,
  PRIMARY KEY (session_id, pool, t_ms)
) WITHOUT ROWID;

-- call_site is '' (not NULL) when unknown: it is part of the key, and NULLs never conflict.
CREATE TABLE pool_events (
  session_id    TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  pool          TEXT NOT NULL DEFAULT 'default',
  kind          TEXT NOT NULL CHECK (kind IN ('exhaustion','long_held')),
  at_ms         INTEGER NOT NULL,
  duration_ms   REAL NOT NULL,
  call_site     TEXT NOT NULL DEFAULT '',
  peak_waiting  INTEGER,
  PRIMARY KEY (session_id, pool, kind, at_ms, duration_ms, call_site)
) WITHOUT ROWID;

CREATE TABLE pool_stats (
  session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  pool        TEXT NOT NULL DEFAULT 'default',
  data        TEXT NOT NULL CHECK (json_valid(data)),
  PRIMARY KEY (session_id, pool)
) WITHOUT ROWID;

CREATE TABLE cache_stats (
  session_id              TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
  operations              INTEGER NOT NULL,
  gets                    INTEGER NOT NULL,
  sets                    INTEGER NOT NULL,
  deletes                 INTEGER NOT NULL,
  hits                    INTEGER NOT NULL,
  misses                  INTEGER NOT NULL,
  hit_rate                REAL NOT NULL,
  hit_avg_ms              REAL NOT NULL,
  hit_p95_ms              REAL NOT NULL,
  miss_avg_ms             REAL NOT NULL,
  miss_p95_ms             REAL NOT NULL,
  hit_latency_histogram   TEXT NOT NULL CHECK (json_valid(hit_latency_histogram)),
  miss_latency_histogram  TEXT NOT NULL CHECK (json_valid(miss_latency_histogram))
) WITHOUT ROWID;

CREATE TABLE cache_patterns (
  session_id      TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  pattern         TEXT NOT NULL,
  operations      INTEGER NOT NULL,
  hits            INTEGER NOT NULL,
  misses          INTEGER NOT NULL,
  hit_rate        REAL NOT NULL,
  avg_latency_ms  REAL NOT NULL,
  PRIMARY KEY (session_id, pattern)
) WITHOUT ROWID;

CREATE TABLE cache_sensitivity (
  session_id      TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  sensitivity     TEXT NOT NULL,
  ttl_s           REAL,
  operations      INTEGER NOT NULL,
  hits            INTEGER NOT NULL,
  misses          INTEGER NOT NULL,
  hit_rate        REAL NOT NULL,
  avg_latency_ms  REAL NOT NULL,
  PRIMARY KEY (session_id, sensitivity)
) WITHOUT ROWID;

CREATE TABLE cache_invalidations (
  session_id    TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  trigger       TEXT NOT NULL,
  count         INTEGER NOT NULL,
  keys_removed  INTEGER NOT NULL,
  PRIMARY KEY (session_id, trigger)
) WITHOUT ROWID;

CREATE TABLE function_stats (
  session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  calls       INTEGER NOT NULL,
  errors      INTEGER NOT NULL,
  total_ms    REAL NOT NULL,
  self_ms     REAL NOT NULL,
  mean_ms     REAL NOT NULL,
  p95_ms      REAL NOT NULL,
  p99_ms      REAL NOT NULL,
  hist        TEXT,
  PRIMARY KEY (session_id, name)
) WITHOUT ROWID;

CREATE TABLE call_tree (
  session_id  TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
  tree        TEXT NOT NULL CHECK (json_valid(tree))
) WITHOUT ROWID;

CREATE TABLE recommendations (
  session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  rank        INTEGER NOT NULL,
  id          TEXT NOT NULL,
  title       TEXT NOT NULL,
  impact      TEXT NOT NULL CHECK (impact IN ('high','medium','low')),
  effort      TEXT NOT NULL CHECK (effort IN ('low','medium','high')),
  evidence    TEXT NOT NULL CHECK (json_valid(evidence)),
  action      TEXT NOT NULL,
  PRIMARY KEY (session_id, rank)
) WITHOUT ROWID;

CREATE TABLE request_trace (
  session_id   TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  seq          INTEGER NOT NULL,
  t_offset_ms  REAL NOT NULL,
  kind         TEXT NOT NULL,
  method       TEXT NOT NULL,
  path         TEXT NOT NULL,
  body         TEXT,
  status       INTEGER,
  latency_ms   REAL,
  error_class  TEXT,
  PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;

CREATE TABLE probe_samples (
  session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  probe       TEXT NOT NULL,
  t_ms        INTEGER NOT NULL,
  data        TEXT NOT NULL CHECK (json_valid(data))
);
CREATE INDEX probe_samples_by_time ON probe_samples (session_id, probe, t_ms);

CREATE TABLE events (
  session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  t_ms        INTEGER NOT NULL,
  level       TEXT NOT NULL CHECK (level IN ('debug','info','warn','error')),
  kind        TEXT NOT NULL,
  message     TEXT NOT NULL
);
CREATE INDEX events_by_time ON events (session_id, t_ms);
`;

export const migration001: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(SQL);
  },
};
