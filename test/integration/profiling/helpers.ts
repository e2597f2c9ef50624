import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** The shared test database (trust auth); tests isolate themselves in their own schema. */
export const PG_URL = process.env.SARK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Redis DB reserved for the profiling tests. */
export const REDIS_DB = 1;

export function uniqueName(area: string): string {
  return `sw_${area}_${randomBytes(4).toString('hex')}`;
}

/** Creates a schema `sw_profiling_<random>`; returns its name and a dropper. */
export async function createSchema(): Promise<{ schema: string; drop: () => Promise<void> }> {
  const schema = uniqueName('profiling');
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  return {
    schema,
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}

/**
 * "path:line" of the line holding `marker` in a test file, as the profiler reports call sites
 * (relative to the working directory).
 */
export function lineOf(moduleUrl: string, marker: string): string {
  const file = fileURLToPath(moduleUrl);
  const lines = readFileSync(file, 'utf8').split('\n');
  const index = lines.findIndex((l) => l.includes(marker) && !l.includes('lineOf('));
  if (index < 0) throw new Error(`marker ${marker} not found in ${file}`);
  return `${relative(process.cwd(), file).split('\\').join('/')}:${index + 1}`;
}
