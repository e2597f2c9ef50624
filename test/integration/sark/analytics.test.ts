import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveDataset, DEFAULT_AUDIT_ROWS, describeDataset } from '../../../core/sark/dataset.js';
import { startSarkServer, type SarkServerOptions } from '../../../core/sark/index.js';
import { NO_LOG, SMALL_SIZES, createTestDatabase, embeddedTestDir, getJson, profilingReport } from './helpers.js';

/**
 * analyticsIndex: with the default audit history the seed's analytics query is a slow query
 * (> 100 ms, the profiler's threshold) without idx_policy_logs_analytics, and not with it,
 * on a real Postgres and on the embedded PGlite. Needs the real audit size (1M / 2M rows).
 */

const sizes = { users: SMALL_SIZES.users, teams: SMALL_SIZES.teams, tools: SMALL_SIZES.tools, servers: SMALL_SIZES.servers };
const SLOW_MS = 100;
const RUNS = 3;

async function analyticsProfile(options: SarkServerOptions, analyticsIndex: boolean) {
  const server = await startSarkServer({ ...options, profile: 'baseline', knobs: { analyticsIndex }, sizes, log: NO_LOG });
  try {
    expect(server.storage.analyticsIndex).toBe(analyticsIndex);
    const w = server.dataset.analyticsWindow;
    for (let i = 0; i < RUNS; i++) {
      const r = await getJson<{ rows: { count: number }[] }>(server.url, `/api/v1/audit/analytics?from=${w.from}&to=${w.to}`);
      expect(r.status).toBe(200);
      // The window holds about one hour of the 30-day history.
      const rows = r.body.rows.reduce((n, x) => n + x.count, 0);
      expect(rows).toBeGreaterThan(server.dataset.sizes.auditRows / (30 * 24) / 2);
    }
    const report = await profilingReport(server.url);
    const q = report.queries.by_fingerprint.find((f) => /FROM policy_decision_logs\s+WHERE timestamp >= \$1/.test(f.query));
    expect(q?.count).toBe(RUNS);
    return { query: q, slow: report.slow_queries.filter((s) => s.fingerprint === q?.fingerprint) };
  } finally {
    await server.close();
  }
}

describe('analyticsIndex on Postgres (2M audit rows)', () => {
  let db: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('false: the analytics query is slow; true: it is not', async () => {
    expect(resolveDataset({ sizes, storage: 'postgres' }).sizes.auditRows).toBe(DEFAULT_AUDIT_ROWS.postgres);
    const without = await analyticsProfile({ pgUrl: db.url }, false);
    expect(without.query?.max_ms).toBeGreaterThan(SLOW_MS);
    expect(without.slow.length).toBeGreaterThan(0);
    const withIndex = await analyticsProfile({ pgUrl: db.url }, true);
    expect(withIndex.slow).toEqual([]);
    expect(withIndex.query?.p95_ms).toBeLessThan(SLOW_MS);
  });
});

describe('analyticsIndex on the embedded PGlite (1M audit rows)', () => {
  it('false: the analytics query is slow; true: it is not', async () => {
    const key = describeDataset({ sizes, storage: 'embedded' }).key;
    const options = { embeddedDataDir: embeddedTestDir(key) };
    const without = await analyticsProfile(options, false);
    expect(without.query?.max_ms).toBeGreaterThan(SLOW_MS);
    expect(without.slow.length).toBeGreaterThan(0);
    const withIndex = await analyticsProfile(options, true);
    expect(withIndex.slow).toEqual([]);
    expect(withIndex.query?.p95_ms).toBeLessThan(SLOW_MS);
  });
});
