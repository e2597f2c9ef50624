import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBE_MARKER, PostgresProbe, type ProbeSample } from '../../../core/probes/index.js';
import { SHARED_PG, type TestDatabase, createTestDatabase, flushTableStats, randomSuffix, statementCalls } from './helpers.js';

const LOOKUP = 'SELECT allow FROM decisions WHERE id = $1';

async function lookups(db: TestDatabase, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await db.client.query(LOOKUP, [(i % 5000) + 1]);
}

async function waitFor(cond: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('PostgresProbe on a database with pg_stat_statements', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(true);
    await db.client.query('CREATE TABLE decisions (id int PRIMARY KEY, allow boolean NOT NULL)');
    await db.client.query('INSERT INTO decisions SELECT g, g % 2 = 0 FROM generate_series(1, 5000) g');
    await db.client.query('ANALYZE decisions');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('counts exactly what pg_stat_statements counted, and what the workload ran', async () => {
    await lookups(db, 50); // before the probe: must not count
    const callsBefore = await statementCalls(db, LOOKUP);
    const probe = await PostgresProbe.connect(db.url, { statementsIntervalMs: 500 });
    try {
      await probe.start(250);
      await lookups(db, 1000);
      await probe.stop();
      const callsAfter = await statementCalls(db, LOOKUP);
      const s = probe.toReportSections();
      expect(s.queries?.source).toBe('pg_stat_statements');
      const fp = s.queries?.by_fingerprint.find((f) => f.query === LOOKUP);
      expect(callsAfter - callsBefore).toBe(1000);
      expect(fp?.count).toBe(1000);
      expect(fp?.rows).toBe(1000);
      // Nothing else ran in this database during the window: the probe's own statements are not counted.
      expect(s.queries?.total_queries).toBe(1000);
      expect(s.queries?.by_fingerprint.some((f) => f.query.includes(PROBE_MARKER))).toBe(false);
      expect(Object.keys(s.postgres.activity.max_by_application)).not.toContain('sark-workbench-probe');
      expect(s.postgres.activity.max_by_application['sw-probes-workload']).toBeGreaterThanOrEqual(1);
    } finally {
      await probe.close();
    }
  });

  it('survives a reset of the database’s statements mid-run without negative counts', async () => {
    const probe = await PostgresProbe.connect(db.url, { statementsIntervalMs: 300 });
    try {
      await probe.start(300);
      await lookups(db, 300);
      const seen = (): number => probe.toReportSections().queries?.by_fingerprint.find((f) => f.query === LOOKUP)?.count ?? 0;
      await waitFor(() => seen() === 300, 'a snapshot with the first 300 calls');
      // Only this database's entries (a global reset would disturb other tests on the server).
      await db.client.query('SELECT pg_stat_statements_reset(0, $1, 0)', [db.dbid]);
      await lookups(db, 100);
      await probe.stop();
      const s = probe.toReportSections();
      const fp = s.queries?.by_fingerprint.find((f) => f.query === LOOKUP);
      expect(fp?.count).toBe(400);
      for (const f of s.queries?.by_fingerprint ?? []) {
        expect(f.count).toBeGreaterThanOrEqual(0);
        expect(f.total_ms).toBeGreaterThanOrEqual(0);
      }
      expect(s.warnings.join('\n')).toMatch(/counts may be incomplete/);
    } finally {
      await probe.close();
    }
  });

  it('streams activity, statement and table samples while it runs', async () => {
    const probe = await PostgresProbe.connect(db.url, { statementsIntervalMs: 300 });
    const samples: ProbeSample[] = [];
    probe.onSample((s) => samples.push(s));
    try {
      await probe.start(200);
      await lookups(db, 200);
      await waitFor(() => samples.filter((s) => s.data.kind === 'activity').length >= 3, 'three activity samples');
      await probe.stop();
      const kinds = new Set(samples.map((s) => s.data.kind));
      expect([...kinds].sort()).toEqual(['activity', 'statements', 'tables']);
      expect(samples.every((s) => s.probe === 'postgres' && s.t_ms > 0)).toBe(true);
      const streamed = samples.filter((s) => s.data.kind === 'statements').reduce((n, s) => n + Number(s.data['calls']), 0);
      expect(streamed).toBe(probe.toReportSections().queries?.total_queries);
    } finally {
      await probe.close();
    }
  });

  it('lists a statement it caught running for over a second', async () => {
    const sleeper = new pg.Client({ connectionString: db.url, application_name: 'sw-probes-sleeper' });
    await sleeper.connect();
    const probe = await PostgresProbe.connect(db.url);
    try {
      await probe.start(200);
      await sleeper.query('SELECT pg_sleep(1.6)');
      await probe.stop();
      const activity = probe.toReportSections().postgres.activity;
      const caught = activity.long_running.find((l) => l.application === 'sw-probes-sleeper');
      expect(caught?.query).toBe('SELECT pg_sleep(1.6)');
      expect(caught?.seen_running_ms).toBeGreaterThanOrEqual(1000);
      expect(caught?.seen_running_ms).toBeLessThan(60_000);
      expect(activity.longest_active_ms).toBeGreaterThanOrEqual(1000);
      expect(activity.active.max).toBeGreaterThanOrEqual(1);
    } finally {
      await probe.close();
      await sleeper.end();
    }
  });

  it('is read-only: a write through its session fails', async () => {
    const probe = await PostgresProbe.connect(db.url);
    try {
      await expect(probe.query('INSERT INTO decisions VALUES (-1, true)')).rejects.toThrow(/read-only transaction/);
      await expect(probe.query('CREATE TABLE probe_wrote_this (a int)')).rejects.toThrow(/read-only transaction/);
      const r = await db.client.query('SELECT count(*)::int AS n FROM decisions WHERE id = -1');
      expect(r.rows[0]?.n).toBe(0);
      expect((await probe.check()).features['read_only_session']).toBe(true);
    } finally {
      await probe.close();
    }
  });

  it('works with a role that has only pg_monitor and CONNECT', async () => {
    const role = `sw_probes_mon_${randomSuffix()}`;
    const admin = new pg.Client(`${SHARED_PG}/postgres`);
    await admin.connect();
    await admin.query(`CREATE ROLE ${role} LOGIN`);
    await admin.query(`GRANT pg_monitor TO ${role}`);
    await admin.query(`REVOKE CONNECT ON DATABASE ${db.name} FROM PUBLIC`);
    await admin.query(`GRANT CONNECT ON DATABASE ${db.name} TO ${role}`);
    try {
      const probe = await PostgresProbe.connect(`postgres://${role}@127.0.0.1:5432/${db.name}`, { statementsIntervalMs: 500, dedicatedRole: true });
      try {
        const caps = await probe.check();
        expect(caps.ok).toBe(true);
        expect(caps.features).toMatchObject({ pg_stat_statements: true, pg_stat_activity: true, read_all_stats: true });
        expect(caps.warnings).toEqual([]);
        await probe.start(250);
        await lookups(db, 200);
        await db.client.query('SELECT count(*) FROM decisions');
        await flushTableStats(db.client);
        await probe.stop();
        const s = probe.toReportSections();
        // The application's statements (another role) are visible with their text.
        expect(s.queries?.by_fingerprint.find((f) => f.query === LOOKUP)?.count).toBe(200);
        expect(s.postgres.activity.max_by_application['sw-probes-workload']).toBeGreaterThanOrEqual(1);
        const decisions = s.postgres.tables.find((t) => t.table === 'public.decisions');
        expect(decisions?.idx_scan).toBeGreaterThanOrEqual(200);
      } finally {
        await probe.close();
      }
    } finally {
      await admin.query(`GRANT CONNECT ON DATABASE ${db.name} TO PUBLIC`);
      await admin.query(`REVOKE CONNECT ON DATABASE ${db.name} FROM ${role}`);
      await admin.query(`DROP ROLE ${role}`);
      await admin.end();
    }
  });
});

describe('PostgresProbe without the pg_stat_statements extension', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(false);
    await db.client.query('CREATE TABLE audit_log (id int, action text)');
    await db.client.query("INSERT INTO audit_log SELECT g, 'evaluate' FROM generate_series(1, 2000) g");
    await db.client.query('CREATE TABLE tools (id int PRIMARY KEY, name text)');
    await db.client.query("INSERT INTO tools SELECT g, 'tool-' || g FROM generate_series(1, 20000) g");
    await db.client.query('ANALYZE');
    await flushTableStats(db.client);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('says how to enable it, and still reports activity and table statistics', async () => {
    const probe = await PostgresProbe.connect(db.url, { statementsIntervalMs: 500 });
    try {
      const caps = await probe.check();
      expect(caps.ok).toBe(true);
      expect(caps.features['pg_stat_statements']).toBe(false);
      const warning = caps.warnings.find((w) => w.includes('pg_stat_statements'));
      expect(warning).toMatch(/CREATE EXTENSION pg_stat_statements/);
      expect(warning).toContain(db.name);

      await probe.start(250);
      for (let i = 0; i < 5; i++) await db.client.query('SELECT count(*) FROM audit_log');
      for (let i = 1; i <= 20; i++) await db.client.query('SELECT name FROM tools WHERE id = $1', [i]);
      await flushTableStats(db.client);
      await probe.stop();

      const s = probe.toReportSections();
      expect(s.queries).toBeNull();
      expect(s.postgres.pg_stat_statements).toBe(false);
      expect(s.warnings.join('\n')).toMatch(/CREATE EXTENSION pg_stat_statements/);
      expect(s.postgres.activity.samples).toBeGreaterThanOrEqual(2);
      expect(s.postgres.activity.max_by_database[db.name]).toBeGreaterThanOrEqual(1);
      const audit = s.postgres.tables.find((t) => t.table === 'public.audit_log');
      expect(audit).toMatchObject({ seq_scan: 5, seq_tup_read: 10_000, idx_scan: 0 });
      const tools = s.postgres.tables.find((t) => t.table === 'public.tools');
      expect(tools).toMatchObject({ idx_scan: 20, seq_scan: 0 });
      expect(s.postgres.indexes.find((i) => i.index === 'public.tools_pkey')?.idx_scan).toBe(20);
    } finally {
      await probe.close();
    }
  });
});
