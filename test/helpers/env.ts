import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * Shared test environment. The embedded server keeps its seeded data set under
 * SARK_WORKBENCH_HOME; one home for every test run means each data set is seeded once per
 * machine, not once per test.
 */
export const TEST_HOME = join(tmpdir(), 'sark-workbench-test-home');
process.env.SARK_WORKBENCH_HOME = TEST_HOME;

export const PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test';

export function pgUrlFor(db: string): string {
  return `postgres://postgres@127.0.0.1:5432/${db}`;
}

/** Creates a throwaway database; returns its name and a drop function. */
export async function createDatabase(prefix: string): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: pgUrlFor(name),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
