import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError, WorkbenchError } from '../../../core/common/errors.js';
import { PostgresProbe } from '../../../core/probes/index.js';
import { type ThrowawayPostgres, freePort, pgBinDir, randomSuffix, startSilentServer, startThrowawayPostgres } from './helpers.js';

/** The bound for a clear error on a bad target. */
const ERROR_WITHIN_MS = 5_000;

async function connectError(url: string, options: Parameters<typeof PostgresProbe.connect>[1] = {}): Promise<{ err: WorkbenchError; elapsedMs: number }> {
  const t0 = Date.now();
  try {
    const probe = await PostgresProbe.connect(url, options);
    await probe.close();
  } catch (err) {
    expect(err).toBeInstanceOf(WorkbenchError);
    const e = err as WorkbenchError;
    expect(e.message).not.toContain('\n');
    return { err: e, elapsedMs: Date.now() - t0 };
  }
  throw new Error(`expected connecting to ${url} to fail`);
}

describe('PostgresProbe.connect errors', () => {
  it('rejects a bad URL as a usage error', async () => {
    await expect(PostgresProbe.connect('mysql://root@127.0.0.1/x')).rejects.toBeInstanceOf(UsageError);
    await expect(PostgresProbe.connect('not a url')).rejects.toMatchObject({ exitCode: 2 });
  });

  it('names host:port when the connection is refused', async () => {
    const port = await freePort();
    const { err, elapsedMs } = await connectError(`postgres://postgres:topsecret@127.0.0.1:${port}/test`);
    expect(err.message).toBe(`cannot connect to Postgres at 127.0.0.1:${port}: connection refused (is the server running and listening on that port?)`);
    expect(elapsedMs).toBeLessThan(ERROR_WITHIN_MS);
  });

  it('gives up on a host that accepts but never answers', async () => {
    const silent = await startSilentServer();
    try {
      const { err, elapsedMs } = await connectError(`postgres://postgres:topsecret@127.0.0.1:${silent.port}/test`, { connectTimeoutMs: 2_000 });
      expect(err.message).toMatch(new RegExp(`^cannot connect to Postgres at 127\\.0\\.0\\.1:${silent.port}: no answer within 2\\.0 s`));
      expect(err.message).not.toContain('topsecret');
      expect(elapsedMs).toBeLessThan(ERROR_WITHIN_MS);
    } finally {
      await silent.stop();
    }
  });

  it('fails clearly on a non-routable address with a short connect timeout', async () => {
    const { err, elapsedMs } = await connectError('postgres://postgres:topsecret@10.255.255.1:5432/test', { connectTimeoutMs: 1_000 });
    expect(err.message).toMatch(/^cannot connect to Postgres at 10\.255\.255\.1:5432: /);
    expect(err.message).not.toContain('topsecret');
    expect(elapsedMs).toBeLessThan(ERROR_WITHIN_MS);
  });

  it('says when the database does not exist', async () => {
    const name = `sw_probes_missing_${randomSuffix()}`;
    const { err } = await connectError(`postgres://postgres@127.0.0.1:5432/${name}`);
    expect(err.message).toBe(`cannot connect to Postgres at 127.0.0.1:5432: database '${name}' does not exist`);
  });

  it('says when the role is refused', async () => {
    const { err } = await connectError('postgres://sw_probes_no_such_role@127.0.0.1:5432/test');
    expect(err.message).toMatch(/^cannot connect to Postgres at 127\.0\.0\.1:5432: authentication refused for user 'sw_probes_no_such_role'/);
  });
});

// A private cluster with password authentication: the shared server trusts 127.0.0.1, so a
// refused password (SQLSTATE 28P01) and a global pg_stat_statements_reset() happen here.
describe.skipIf(pgBinDir() === null)('PostgresProbe on a private password-protected cluster', () => {
  let cluster: ThrowawayPostgres;
  beforeAll(async () => {
    cluster = await startThrowawayPostgres();
  });
  afterAll(() => {
    cluster?.stop();
  });

  it('reports a refused password without echoing it', async () => {
    const { err, elapsedMs } = await connectError(cluster.url('postgres', 'wrong-password-123'));
    expect(err.message).toBe(`cannot connect to Postgres at 127.0.0.1:${cluster.port}: password authentication failed for user 'postgres'`);
    expect(err.message).not.toContain('wrong-password-123');
    expect(elapsedMs).toBeLessThan(ERROR_WITHIN_MS);
  });

  it('survives a global pg_stat_statements_reset() mid-run, and says counts may be incomplete', async () => {
    const url = cluster.url('postgres', cluster.password);
    const app = new pg.Client(url);
    await app.connect();
    try {
      await app.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await app.query('CREATE TABLE IF NOT EXISTS grants (id int PRIMARY KEY)');
      await app.query('INSERT INTO grants SELECT generate_series(1, 100) ON CONFLICT DO NOTHING');
      const q = 'SELECT id FROM grants WHERE id = $1';
      const run = async (n: number) => {
        for (let i = 0; i < n; i++) await app.query(q, [(i % 100) + 1]);
      };
      const probe = await PostgresProbe.connect(url, { statementsIntervalMs: 300 });
      try {
        expect((await probe.check()).features['pg_stat_statements_info']).toBe(true);
        await probe.start(300);
        await run(300);
        const seen = () => probe.toReportSections().queries?.by_fingerprint.find((f) => f.query === q)?.count ?? 0;
        const deadline = Date.now() + 30_000;
        while (seen() !== 300 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        expect(seen()).toBe(300);
        await app.query('SELECT pg_stat_statements_reset()');
        // More calls after the reset than before: only stats_reset can tell this apart.
        await run(500);
        await probe.stop();
        const s = probe.toReportSections();
        expect(s.queries?.by_fingerprint.find((f) => f.query === q)?.count).toBe(800);
        expect(s.queries?.by_fingerprint.every((f) => f.count >= 0 && f.total_ms >= 0)).toBe(true);
        expect(s.warnings.join('\n')).toMatch(/pg_stat_statements was reset during the window.*counts may be incomplete/);
      } finally {
        await probe.close();
      }
    } finally {
      await app.end();
    }
  });
});

describe.skipIf(pgBinDir() === null)('PostgresProbe on a server without pg_stat_statements loaded', () => {
  let cluster: ThrowawayPostgres;
  beforeAll(async () => {
    cluster = await startThrowawayPostgres({ preloadStatements: false });
  });
  afterAll(() => {
    cluster?.stop();
  });

  it('explains the preload, the restart and CREATE EXTENSION, whether or not the extension was created', async () => {
    const url = cluster.url('postgres', cluster.password);
    const probe = await PostgresProbe.connect(url);
    const app = new pg.Client(url);
    await app.connect();
    try {
      for (const step of ['not created', 'created']) {
        const caps = await probe.check();
        expect(caps.ok, step).toBe(true);
        expect(caps.features['pg_stat_statements'], step).toBe(false);
        const warning = caps.warnings.find((w) => w.includes('pg_stat_statements')) ?? '';
        expect(warning, step).toMatch(/shared_preload_libraries/);
        expect(warning, step).toMatch(/restart PostgreSQL/);
        expect(warning, step).toMatch(/CREATE EXTENSION pg_stat_statements/);
        await app.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      }
      await probe.start(200);
      await app.query('SELECT 1');
      await probe.stop();
      const s = probe.toReportSections();
      expect(s.queries).toBeNull();
      expect(s.postgres.activity.samples).toBeGreaterThanOrEqual(2);
    } finally {
      await app.end();
      await probe.close();
    }
  });
});
