import pg from 'pg';
import type { ResolvedDataset, StorageKind } from '../dataset.js';
import type { SarkInstrumentation } from '../instrumentation-types.js';
import type { SarkKnobs } from '../knobs.js';
import { prepareDataset, type SetupResult } from './dataset-setup.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-pg.js';
import { SARK_SCHEMA } from './schema-sql.js';

/**
 * Storage for one server: the database (a user's Postgres, or the embedded PGlite), the data
 * set prepared in `sark_embedded`, and the `pg` pools the server queries through.
 */

/** Audit pool of the seed's pool recommendation 2: pool_size=10, max_overflow=5. */
export const AUDIT_POOL_BASE = 10;
export const AUDIT_POOL_OVERFLOW = 5;
/**
 * Fail fast rather than hang: a connection that cannot be made in 2 s, or a query that has not
 * answered in 15 s (the slowest legitimate query, baseline analytics under load, takes well
 * under a second), becomes a 503.
 */
const CONNECT_TIMEOUT_MS = 2000;
const QUERY_TIMEOUT_MS = 15_000;
const IDLE_TIMEOUT_MS = 30_000;

export interface Storage {
  kind: StorageKind;
  /** The embedded data dir, null for a user's Postgres. */
  dataDir: string | null;
  /** The embedded database's loopback URL (no password); null for a user's Postgres. */
  embeddedUrl: string | null;
  temporaryDataDir: boolean;
  setup: SetupResult;
  policyPool: pg.Pool;
  /** The pool audit writes use: separate with separateAuditPool, else the policy pool. */
  auditPool: pg.Pool;
  close(): Promise<void>;
}

export interface StorageOptions {
  pgUrl?: string;
  dataset: ResolvedDataset;
  knobs: SarkKnobs;
  instr: SarkInstrumentation;
  embeddedDataDir?: string;
  log: (message: string) => void;
}

function newPool(connectionString: string, max: number, kind: StorageKind, role: 'policy' | 'audit'): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    // Tells the two workloads apart in pg_stat_activity (and in the probes' view of Postgres).
    application_name: `sark-${role}`,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    idleTimeoutMillis: IDLE_TIMEOUT_MS,
    keepAlive: true,
    // A user's Postgres: our schema first. PGlite ignores startup options; its single shared
    // session has search_path set by embedded-pg-process.ts.
    ...(kind === 'postgres' ? { options: `-c search_path=${SARK_SCHEMA}` } : {}),
  });
  // Idle clients error when the server goes away; the next checkout reconnects.
  pool.on('error', () => undefined);
  return pool;
}

export async function openStorage(options: StorageOptions): Promise<Storage> {
  const { knobs, instr, dataset, log } = options;
  const kind: StorageKind = options.pgUrl === undefined ? 'embedded' : 'postgres';
  const policyMax = knobs.poolSize + knobs.maxOverflow;
  const auditMax = knobs.separateAuditPool ? AUDIT_POOL_BASE + AUDIT_POOL_OVERFLOW : 0;
  let embedded: EmbeddedPostgres | null = null;
  let connectionString: string;
  if (options.pgUrl !== undefined) connectionString = options.pgUrl;
  else {
    const t0 = performance.now();
    embedded = await startEmbeddedPostgres({
      datasetKey: dataset.key,
      dataDir: options.embeddedDataDir,
      // Room for both pools plus the setup and health clients.
      maxConnections: policyMax + auditMax + 10,
      warn: (m) => log(`warning: ${m}`),
    });
    connectionString = embedded.url;
    log(`embedded Postgres ready in ${Math.round(performance.now() - t0)} ms (${embedded.dataDir}${embedded.fromTemplate ? ', new, from the packaged template' : ''})`);
  }
  try {
    const setup = await prepareDataset(connectionString, dataset, knobs.analyticsIndex, log);
    const policyPool = instr.instrumentPool(newPool(connectionString, policyMax, kind, 'policy'), {
      role: 'policy',
      baseSize: knobs.poolSize,
      maxOverflow: knobs.maxOverflow,
    });
    const auditPool = knobs.separateAuditPool
      ? instr.instrumentPool(newPool(connectionString, auditMax, kind, 'audit'), { role: 'audit', baseSize: AUDIT_POOL_BASE, maxOverflow: AUDIT_POOL_OVERFLOW })
      : policyPool;
    return {
      kind,
      dataDir: embedded?.dataDir ?? null,
      embeddedUrl: embedded?.url ?? null,
      temporaryDataDir: embedded?.temporary ?? false,
      setup,
      policyPool,
      auditPool,
      async close() {
        await policyPool.end().catch(() => undefined);
        if (auditPool !== policyPool) await auditPool.end().catch(() => undefined);
        await embedded?.close();
      },
    };
  } catch (err) {
    await embedded?.close();
    throw err;
  }
}
