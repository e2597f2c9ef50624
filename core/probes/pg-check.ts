import type pg from 'pg';
import { errorMessage } from '../common/errors.js';
import { EXT_1_9, PRELOAD_LIBRARIES, SERVER_INFO, STATEMENTS_EXTENSION, parseExtVersion, statementsSnapshotSql } from './pg-sql.js';

/**
 * What the Postgres probe can see on this server with this role: the capability report behind
 * the UI's "test connection", also used by start() to decide what to sample.
 */

export interface PostgresServerInfo {
  version: string;
  versionNum: number;
  database: string;
  dbid: number;
  userid: number;
  role: string;
  readAllStats: boolean;
  superuser: boolean;
  readOnly: boolean;
  trackCounts: boolean;
  trackActivities: boolean;
}

export interface PostgresFeatures {
  info: PostgresServerInfo;
  /** Extension version in parseExtVersion's scale; null when not created in this database. */
  statementsVersion: number | null;
  statementsUsable: boolean;
  statementsLoaded: boolean | null;
  statementsInfo: boolean;
  warnings: string[];
}

export async function readServerInfo(client: pg.Client): Promise<PostgresServerInfo> {
  const r = await client.query<Record<string, unknown>>(SERVER_INFO);
  const row = r.rows[0] ?? {};
  return {
    version: String(row['version']),
    versionNum: Number(row['version_num']),
    database: String(row['database']),
    dbid: Number(row['dbid']),
    userid: Number(row['userid']),
    role: String(row['role']),
    readAllStats: row['read_all_stats'] === true,
    superuser: row['superuser'] === true,
    readOnly: row['read_only'] === 'on',
    trackCounts: row['track_counts'] === 'on',
    trackActivities: row['track_activities'] === 'on',
  };
}

function enableHowTo(database: string): string {
  return (
    `add pg_stat_statements to shared_preload_libraries (ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements', ` +
    `keeping any libraries already listed), restart PostgreSQL, then run CREATE EXTENSION pg_stat_statements; in database '${database}'`
  );
}

export async function detectFeatures(client: pg.Client): Promise<PostgresFeatures> {
  const info = await readServerInfo(client);
  const warnings: string[] = [];
  const ext = await client.query<{ extversion: string }>(STATEMENTS_EXTENSION);
  const extText = ext.rows[0]?.extversion ?? null;
  const statementsVersion = extText === null ? null : parseExtVersion(extText);

  let statementsLoaded: boolean | null = null;
  try {
    const libs = (await client.query<{ libs: string | null }>(PRELOAD_LIBRARIES)).rows[0]?.libs;
    // Hidden from roles without pg_read_all_settings: then we cannot tell (null).
    if (typeof libs === 'string') statementsLoaded = /(^|[\s,"])pg_stat_statements([\s,"]|$)/.test(libs);
  } catch {
    statementsLoaded = null;
  }

  let statementsUsable = false;
  if (statementsVersion !== null) {
    try {
      await client.query(statementsSnapshotSql(statementsVersion, false) + ' LIMIT 1', [info.dbid]);
      statementsUsable = true;
    } catch (err) {
      if (/shared_preload_libraries/i.test(errorMessage(err))) statementsLoaded = false;
      else warnings.push(`pg_stat_statements is installed but cannot be read: ${errorMessage(err)}`);
    }
  }
  if (!statementsUsable) {
    if (statementsLoaded === false) {
      warnings.push(`pg_stat_statements is not enabled, so per-query statistics are unavailable (activity and table statistics still work): ${enableHowTo(info.database)}`);
    } else if (statementsVersion === null) {
      warnings.push(
        `pg_stat_statements is not created in database '${info.database}', so per-query statistics are unavailable (activity and table statistics still work): ` +
          (statementsLoaded === true
            ? `run CREATE EXTENSION pg_stat_statements; in '${info.database}' as a superuser`
            : `if it is not in shared_preload_libraries yet, ${enableHowTo(info.database)}; otherwise run CREATE EXTENSION pg_stat_statements;`),
      );
    }
  }
  if (!info.readAllStats && !info.superuser) {
    warnings.push(
      `role '${info.role}' cannot read other roles' statistics: their query texts and activity are hidden; GRANT pg_monitor TO ${info.role};`,
    );
  }
  if (!info.trackCounts) warnings.push('track_counts is off: table and index scan statistics are not collected (SET track_counts = on)');
  if (!info.trackActivities) warnings.push('track_activities is off: pg_stat_activity shows no states or queries');
  return {
    info,
    statementsVersion,
    statementsUsable,
    statementsLoaded,
    statementsInfo: statementsUsable && statementsVersion !== null && statementsVersion >= EXT_1_9,
    warnings,
  };
}
