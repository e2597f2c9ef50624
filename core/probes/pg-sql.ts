/**
 * Every statement the Postgres probe sends, each tagged with PROBE_MARKER. pg_stat_statements
 * keeps the text of an entry's first execution, comments included, so the tag is how the probe
 * recognises (and drops) its own entries without dropping the user's queries that run as the
 * same role. The probe's role is dropped as a whole only when the caller says it is dedicated.
 */

export const PROBE_APPLICATION_NAME = 'sark-workbench-probe';
export const PROBE_MARKER = '/* sark-workbench-probe */';

const tag = (sql: string): string => `${PROBE_MARKER} ${sql}`;

/** '1.10' as a float would sort below '1.9'; compare as major + minor / 1000 instead. */
export function parseExtVersion(text: string): number {
  const [major, minor] = text.split('.').map((s) => Number.parseInt(s, 10));
  return (major ?? 0) + (minor ?? 0) / 1000;
}

/** Column names changed in 1.8 (PostgreSQL 13); toplevel and pg_stat_statements_info arrived in 1.9 (PostgreSQL 14). */
export const EXT_1_8 = 1.008;
export const EXT_1_9 = 1.009;
/** stats_since (when an entry was created) arrived in 1.11 (PostgreSQL 17). */
export const EXT_1_11 = 1.011;

/**
 * The session is read-only, and bounded: a statement never runs past 5 s, and the probe never
 * queues behind a lock for more than 1 s (an ALTER TABLE waiting behind the probe would in turn
 * block every query of the user's application on that table).
 */
export const SESSION_SETUP = [
  // Also set here: an application_name in the user's URL would override the startup parameter.
  tag(`SET application_name = '${PROBE_APPLICATION_NAME}'`),
  tag('SET default_transaction_read_only = on'),
  tag("SET statement_timeout = '5s'"),
  tag("SET lock_timeout = '1s'"),
  tag("SET idle_in_transaction_session_timeout = '10s'"),
];

export const SERVER_INFO = tag(`SELECT current_setting('server_version') AS version,
  current_setting('server_version_num')::int AS version_num,
  current_database() AS database,
  (SELECT oid FROM pg_database WHERE datname = current_database())::int8::float8 AS dbid,
  (SELECT oid FROM pg_roles WHERE rolname = current_user)::int8::float8 AS userid,
  current_user AS role,
  pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') AS read_all_stats,
  (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
  current_setting('default_transaction_read_only') AS read_only,
  current_setting('track_counts') AS track_counts,
  current_setting('track_activities') AS track_activities`);

export const PRELOAD_LIBRARIES = tag(`SELECT current_setting('shared_preload_libraries', true) AS libs`);

export const STATEMENTS_EXTENSION = tag(`SELECT extversion FROM pg_extension WHERE extname = 'pg_stat_statements'`);

export function statementsSnapshotSql(extVersion: number, allDatabases: boolean): string {
  const time = extVersion >= EXT_1_8 ? 'total_exec_time' : 'total_time';
  const max = extVersion >= EXT_1_8 ? 'max_exec_time' : 'max_time';
  const toplevel = extVersion >= EXT_1_9 ? 'toplevel' : 'true';
  const since = extVersion >= EXT_1_11 ? 'stats_since::text' : 'NULL::text';
  // showtext := false: the texts live in a file the server would read on every snapshot;
  // they are fetched once per new entry instead (statementTextsSql).
  return tag(`SELECT userid::int8::float8 AS userid, dbid::int8::float8 AS dbid, ${toplevel} AS toplevel, queryid::text AS queryid,
    calls::float8 AS calls, ${time}::float8 AS total_ms, rows::float8 AS rows, ${max}::float8 AS max_ms, ${since} AS since
    FROM pg_stat_statements(false) WHERE queryid IS NOT NULL${allDatabases ? '' : ' AND dbid = $1'}`);
}

export function statementTextsSql(extVersion: number): string {
  const toplevel = extVersion >= EXT_1_9 ? 'toplevel' : 'true';
  return tag(`SELECT userid::int8::float8 AS userid, dbid::int8::float8 AS dbid, ${toplevel} AS toplevel, queryid::text AS queryid, query
    FROM pg_stat_statements WHERE queryid = ANY($1::bigint[])`);
}

export const STATEMENTS_INFO = tag(`SELECT dealloc::float8 AS dealloc, stats_reset::text AS stats_reset FROM pg_stat_statements_info`);

export const ACTIVITY = tag(`SELECT pid, datname, application_name, state, wait_event_type,
    (extract(epoch FROM (clock_timestamp() - query_start)) * 1000)::float8 AS running_ms,
    (extract(epoch FROM query_start) * 1000)::float8 AS query_start_ms, left(query, 500) AS query
  FROM pg_stat_activity
  WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`);

export const TABLES = tag(`SELECT relid::int8::float8 AS relid, schemaname || '.' || relname AS name,
    coalesce(seq_scan, 0)::float8 AS seq_scan, coalesce(seq_tup_read, 0)::float8 AS seq_tup_read,
    coalesce(idx_scan, 0)::float8 AS idx_scan, coalesce(idx_tup_fetch, 0)::float8 AS idx_tup_fetch,
    n_tup_ins::float8 AS n_tup_ins, n_tup_upd::float8 AS n_tup_upd, n_tup_del::float8 AS n_tup_del,
    n_live_tup::float8 AS n_live_tup, n_dead_tup::float8 AS n_dead_tup
  FROM pg_stat_user_tables`);

export const INDEXES = tag(`SELECT indexrelid::int8::float8 AS indexrelid, schemaname || '.' || relname AS "table",
    schemaname || '.' || indexrelname AS "index",
    idx_scan::float8 AS idx_scan, idx_tup_read::float8 AS idx_tup_read, idx_tup_fetch::float8 AS idx_tup_fetch
  FROM pg_stat_user_indexes`);
