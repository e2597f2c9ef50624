import pg from 'pg';
import type { PlanDb } from '../analysis/explain.js';
import type { PostgresProbe } from '../probes/index.js';

/**
 * A read-only connection for EXPLAIN-verified index advice at the end of a recording. On a
 * user's database it is the probe's own session (already read-only, with a statement timeout);
 * on the embedded server's database a short-lived client set read-only the same way.
 */

export function probePlanDb(probe: PostgresProbe): PlanDb {
  return { query: async (sql, params) => ({ rows: await probe.query(sql, params ?? []) }) };
}

export interface ClosablePlanDb extends PlanDb {
  close(): Promise<void>;
}

export async function connectPlanDb(url: string, searchPath?: string): Promise<ClosablePlanDb | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 4000, application_name: 'sark-workbench-explain' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query(`SET default_transaction_read_only = on`);
    await client.query(`SET statement_timeout = '5s'`);
    if (searchPath) await client.query(`SET search_path TO ${client.escapeIdentifier(searchPath)}, public`);
  } catch {
    await client.end().catch(() => undefined);
    return null;
  }
  return {
    query: async (sql, params) => ({ rows: (await client.query(sql, params)).rows as Array<Record<string, unknown>> }),
    close: () => client.end().catch(() => undefined),
  };
}
