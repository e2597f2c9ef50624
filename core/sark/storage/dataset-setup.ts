import pg from 'pg';
import { WorkbenchError, errorMessage } from '../../common/errors.js';
import { redactText } from '../../common/redact.js';
import type { ResolvedDataset } from '../dataset.js';
import {
  ANALYTICS_INDEX,
  CREATE_ANALYTICS_INDEX_SQL,
  CREATE_FUNCTIONS_SQL,
  CREATE_TABLES_SQL,
  DROP_ANALYTICS_INDEX_SQL,
  SARK_SCHEMA,
} from './schema-sql.js';
import { seedStatements } from './seed-sql.js';

/**
 * Makes the `sark_embedded` schema hold the requested data set: reuse it when its dataset key
 * matches, otherwise drop the schema (ours only) and seed it in bulk. Runs on a plain,
 * uninstrumented client so setup work never shows up in a profile.
 */

const S = SARK_SCHEMA;
/** Serialises setup between servers sharing one database (two first starts would both seed). */
const SETUP_LOCK_KEY = 'sark_embedded.setup';
const SEED_TABLES = ['users', 'user_roles', 'teams', 'user_team_memberships', 'mcp_servers', 'tools', 'tool_sensitivity_classifications', 'policy_decision_logs'];

export interface SetupResult {
  /** True when the data set was (re)created by this start. */
  seeded: boolean;
  seedMs: number;
  /** Rows written by earlier runs and removed so every run starts from the same audit history. */
  liveAuditRowsRemoved: number;
  analyticsIndex: boolean;
}

async function storedKey(client: pg.Client): Promise<string | null> {
  const exists = await client.query<{ r: string | null }>(`SELECT to_regclass('${S}.sark_meta')::text AS r`);
  if (exists.rows[0]?.r == null) return null;
  const row = await client.query<{ value: string }>(`SELECT value FROM ${S}.sark_meta WHERE key = 'dataset_key'`);
  return row.rows[0]?.value ?? null;
}

async function seed(client: pg.Client, ds: ResolvedDataset, log: (m: string) => void): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${S} CASCADE`);
    await client.query(`CREATE SCHEMA ${S}`);
    await client.query(CREATE_FUNCTIONS_SQL);
    await client.query(CREATE_TABLES_SQL);
    for (const stmt of seedStatements(ds)) {
      const t0 = performance.now();
      await client.query(stmt.sql);
      log(`seeded ${stmt.label} in ${Math.round(performance.now() - t0)} ms`);
    }
    await client.query(`INSERT INTO ${S}.sark_meta (key, value) VALUES ('dataset_key', $1), ('seeded_audit_rows', $2), ('seeded_at', now()::text)`, [
      ds.key,
      String(ds.sizes.auditRows),
    ]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  // Fresh statistics and a visibility map: the analytics index is only fast as an index-only scan.
  const t0 = performance.now();
  for (const table of SEED_TABLES) await client.query(`VACUUM ANALYZE ${S}.${table}`);
  log(`vacuumed in ${Math.round(performance.now() - t0)} ms`);
}

export async function prepareDataset(
  connectionString: string,
  ds: ResolvedDataset,
  analyticsIndex: boolean,
  log: (message: string) => void,
): Promise<SetupResult> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (err) {
    throw new WorkbenchError(`cannot connect to Postgres at ${redactText(connectionString)}: ${errorMessage(err)}`);
  }
  client.on('error', () => undefined);
  const t0 = performance.now();
  let seeded = false;
  let liveAuditRowsRemoved = 0;
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [SETUP_LOCK_KEY]);
    if ((await storedKey(client)) !== ds.key) {
      log(`seeding data set ${ds.key}`);
      await seed(client, ds, log);
      seeded = true;
    } else {
      // Decisions logged by earlier runs would make each run's analytics scan longer than the
      // last: remove them so runs compare like with like.
      const removed = await client.query(`DELETE FROM ${S}.policy_decision_logs WHERE id > $1`, [ds.sizes.auditRows]);
      liveAuditRowsRemoved = removed.rowCount ?? 0;
      if (liveAuditRowsRemoved > 0) await client.query(`VACUUM ANALYZE ${S}.policy_decision_logs`);
    }
    const hasIndex = await client.query<{ r: string | null }>(`SELECT to_regclass('${S}.${ANALYTICS_INDEX}')::text AS r`);
    const indexPresent = hasIndex.rows[0]?.r != null;
    if (analyticsIndex && !indexPresent) {
      const t1 = performance.now();
      await client.query(CREATE_ANALYTICS_INDEX_SQL);
      // The visibility map must be current for an index-only scan.
      await client.query(`VACUUM ANALYZE ${S}.policy_decision_logs`);
      log(`created ${ANALYTICS_INDEX} in ${Math.round(performance.now() - t1)} ms`);
    } else if (!analyticsIndex && indexPresent) {
      await client.query(DROP_ANALYTICS_INDEX_SQL);
    }
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [SETUP_LOCK_KEY]);
  } catch (err) {
    throw new WorkbenchError(`preparing the SARK data set failed: ${redactText(errorMessage(err))}`, 1, { cause: err });
  } finally {
    await client.end().catch(() => undefined);
  }
  return { seeded, seedMs: seeded ? Math.round(performance.now() - t0) : 0, liveAuditRowsRemoved, analyticsIndex };
}
