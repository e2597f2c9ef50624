import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FunctionProfiler, QueryProfiler } from '../../../core/profiling/index.js';
import { PG_URL, createSchema, lineOf } from './helpers.js';

// Real Postgres, one schema of our own (sw_profiling_<random>), dropped afterwards.
let schema: string;
let dropSchema: () => Promise<void>;
const TEAMS = ['team-1', 'team-2', 'team-3', 'team-4', 'team-5', 'team-6', 'team-7'];

function newPool(max = 4): pg.Pool {
  return new pg.Pool({ connectionString: PG_URL, max, options: `-c search_path=${schema}` });
}

beforeAll(async () => {
  ({ schema, drop: dropSchema } = await createSchema());
  const pool = newPool();
  await pool.query('CREATE TABLE teams (id text PRIMARY KEY, name text)');
  await pool.query('CREATE TABLE memberships (user_id text, team_id text, PRIMARY KEY (user_id, team_id))');
  await pool.query("INSERT INTO teams SELECT 'team-' || i, 'Team ' || i FROM generate_series(1, 20) i");
  await pool.query("INSERT INTO memberships SELECT 'user-1', 'team-' || i FROM generate_series(1, 7) i");
  await pool.end();
});

afterAll(async () => {
  await dropSchema?.();
});

describe('query profiler on a real pg Pool', () => {
  it('reports an N+1 loop inside traces with its count and the call site of the loop; the batched rewrite is not one', async () => {
    const qp = new QueryProfiler();
    const fns = new FunctionProfiler();
    const pool = qp.instrument(newPool());
    try {
      for (let request = 0; request < 3; request++) {
        await fns.trace('http_request', async () => {
          for (const team of TEAMS) {
            await pool.query('SELECT team_id FROM memberships WHERE user_id = $1 AND team_id = $2', ['user-1', team]); // N+1-LOOP
          }
        });
      }
      for (let request = 0; request < 10; request++) {
        await fns.trace('http_request', async () => {
          const res = await pool.query('SELECT team_id FROM memberships WHERE user_id = $1 AND team_id = ANY($2)', ['user-1', TEAMS]);
          expect(res.rowCount).toBe(7);
        });
      }
      const findings = qp.detectNPlusOne();
      expect(findings).toHaveLength(1);
      const f = findings[0]!;
      expect(f.detection).toBe('trace');
      expect(f.occurrences).toBe(21);
      expect(f.traces_affected).toBe(3);
      expect(f.max_per_trace).toBe(7);
      expect(f.call_site).toBe(lineOf(import.meta.url, '// N+1-LOOP'));
      expect(f.example).toContain('FROM memberships');
      expect(f.query).toContain('team_id = $2');
      expect(f.total_duration_ms).toBeGreaterThan(0);
      // libpg-query gives `= $2` and `= ANY($2)` one fingerprint: 21 loop queries + 10 batched.
      const stats = qp.getQueryStats();
      expect(stats.total_queries).toBe(31);
      expect(stats.by_fingerprint.find((s) => s.fingerprint === f.fingerprint)?.count).toBe(31);
    } finally {
      await pool.end();
    }
  });

  it('a batched query alone, repeated over many requests, is no N+1', async () => {
    const qp = new QueryProfiler();
    const fns = new FunctionProfiler();
    const pool = qp.instrument(newPool());
    try {
      for (let request = 0; request < 12; request++) {
        await fns.trace('http_request', () =>
          pool.query('SELECT team_id FROM memberships WHERE user_id = $1 AND team_id = ANY($2)', ['user-1', TEAMS]),
        );
      }
      expect(qp.detectNPlusOne()).toEqual([]);
      expect(qp.getQueryStats().total_queries).toBe(12);
    } finally {
      await pool.end();
    }
  });

  it("groups WHERE id = 'a' and WHERE id = 'b' under one fingerprint, and finds an inline-literal N+1", async () => {
    const qp = new QueryProfiler();
    const fns = new FunctionProfiler();
    const pool = qp.instrument(newPool());
    try {
      await pool.query("SELECT * FROM teams WHERE id = 'a'");
      await pool.query("SELECT * FROM teams WHERE id = 'b'");
      expect(await qp.fingerprint("SELECT * FROM teams WHERE id = 'a'")).toBe(await qp.fingerprint("SELECT * FROM teams WHERE id = 'b'"));
      let stats = qp.getQueryStats().by_fingerprint;
      expect(stats).toHaveLength(1);
      expect(stats[0]!.count).toBe(2);
      expect(stats[0]!.query).toBe('SELECT * FROM teams WHERE id = $1');

      await fns.trace('http_request', async () => {
        for (let i = 1; i <= 6; i++) await pool.query(`SELECT * FROM teams WHERE id = 'team-${i}'`); // LITERAL-LOOP
      });
      stats = qp.getQueryStats().by_fingerprint;
      expect(stats).toHaveLength(1);
      expect(stats[0]!.count).toBe(8);
      expect(stats[0]!.rows).toBe(6);
      const findings = qp.detectNPlusOne().filter((f) => f.detection === 'trace');
      expect(findings).toHaveLength(1);
      expect(findings[0]!.occurrences).toBe(6);
      expect(findings[0]!.call_site).toBe(lineOf(import.meta.url, '// LITERAL-LOOP'));
    } finally {
      await pool.end();
    }
  });

  it('reports pg_sleep(0.15) as a slow query with its call site; the threshold is configurable', async () => {
    const qp = new QueryProfiler();
    const pool = qp.instrument(newPool());
    try {
      await pool.query('SELECT count(*) FROM teams');
      await pool.query('SELECT pg_sleep(0.15)'); // SLOW-QUERY
      const slow = qp.getSlowQueries(10);
      expect(slow).toHaveLength(1);
      expect(slow[0]!.statement).toBe('SELECT pg_sleep(0.15)');
      expect(slow[0]!.duration_ms).toBeGreaterThanOrEqual(150);
      expect(slow[0]!.call_site).toBe(lineOf(import.meta.url, '// SLOW-QUERY'));
      expect(qp.getQueryStats().slow_queries_count).toBe(1);
      expect(qp.getQueryStats().slow_query_threshold_ms).toBe(100);

      qp.configure({ slowQueryThresholdMs: 10_000 });
      await pool.query('SELECT pg_sleep(0.15)');
      expect(qp.getQueryStats().slow_queries_count).toBe(1);
      expect(() => qp.configure({ slowQueryThresholdMs: -1 })).toThrow(/slowQueryThresholdMs/);
      expect(() => qp.configure({ nPlusOneThreshold: 1 })).toThrow(/nPlusOneThreshold/);
      expect(() => qp.configure({ exclude: 'SELECT 1' as unknown as string[] })).toThrow(/exclude must be an array/);
      expect(() => qp.instrument({} as pg.Pool)).toThrow(/pg Pool or Client/);
    } finally {
      await pool.end();
    }
  });

  it('counts each statement once in every calling form, with rows and errors', async () => {
    const qp = new QueryProfiler();
    const pool = qp.instrument(newPool());
    const client = qp.instrument(new pg.Client({ connectionString: PG_URL }));
    await client.connect();
    try {
      // Promise form through the pool (internally: connect + client.query + release).
      await pool.query('SELECT generate_series(1, 10) AS n');
      // Callback form.
      const viaCallback = await new Promise<number>((resolve, reject) => {
        pool.query('SELECT generate_series(1, 3) AS n', [], (err: Error | undefined, res: pg.QueryResult) =>
          err ? reject(err) : resolve(res.rowCount ?? -1),
        );
      });
      expect(viaCallback).toBe(3);
      // A checked-out client, promise and config-object forms.
      const c = await pool.connect();
      await c.query({ text: 'SELECT generate_series(1, $1::int) AS n', values: [4] });
      c.release();
      // A standalone client.
      await client.query('SELECT generate_series(1, 2) AS n');
      // An error keeps its rejection and is counted.
      await expect(pool.query('SELECT * FROM no_such_table')).rejects.toThrow(/no_such_table/);

      const stats = qp.getQueryStats();
      expect(stats.total_queries).toBe(5);
      const bySeries = stats.by_fingerprint.filter((s) => s.query.includes('generate_series'));
      expect(bySeries.reduce((n, s) => n + s.count, 0)).toBe(4);
      expect(bySeries.reduce((n, s) => n + s.rows, 0)).toBe(19);
      const failed = stats.by_fingerprint.find((s) => s.query.includes('no_such_table'));
      expect(failed?.errors).toBe(1);
      // Instrumenting twice changes nothing.
      expect(qp.instrument(pool)).toBe(pool);
      await pool.query('SELECT generate_series(1, 1)');
      expect(qp.getQueryStats().total_queries).toBe(6);
    } finally {
      await client.end();
      await pool.end();
    }
  });

  it('skips excluded statements (SELECT 1 by default) and honours custom patterns', async () => {
    const qp = new QueryProfiler();
    const pool = qp.instrument(newPool());
    try {
      await pool.query('SELECT 1');
      await pool.query('select 1;');
      await pool.query('SELECT now()');
      expect(qp.getQueryStats().total_queries).toBe(1);
      qp.configure({ exclude: [/now\(\)/, 'SELECT 1'] });
      await pool.query('SELECT now()');
      await pool.query('SELECT 1');
      await pool.query('SELECT 2');
      expect(qp.getQueryStats().total_queries).toBe(2);
    } finally {
      await pool.end();
    }
  });

  it('outside any trace falls back to a sliding window', async () => {
    // A generous window: the test must not depend on how fast a loaded machine runs 8 queries.
    const qp = new QueryProfiler({ nPlusOneThreshold: 5, nPlusOneWindowMs: 60_000 });
    const pool = qp.instrument(newPool());
    try {
      for (let i = 0; i < 4; i++) await pool.query('SELECT name FROM teams WHERE id = $1', [`team-${i}`]);
      expect(qp.detectNPlusOne()).toEqual([]);
      for (let i = 0; i < 4; i++) await pool.query('SELECT name FROM teams WHERE id = $1', [`team-${i}`]); // WINDOW-LOOP
      const findings = qp.detectNPlusOne();
      expect(findings).toHaveLength(1);
      expect(findings[0]!.detection).toBe('window');
      expect(findings[0]!.occurrences).toBe(8);
      expect(findings[0]!.traces_affected).toBe(0);
      expect(findings[0]!.call_site).toBe(lineOf(import.meta.url, '// WINDOW-LOOP'));
    } finally {
      await pool.end();
    }
  });

  it("queries in a pool.connect callback count toward the caller's trace, whether the checkout waited or not", async () => {
    const qp = new QueryProfiler({ nPlusOneThreshold: 5, nPlusOneWindowMs: 60_000 });
    const fns = new FunctionProfiler();
    const pool = qp.instrument(newPool(1));
    const loopIn = (client: pg.PoolClient): Promise<unknown> =>
      Promise.all([1, 2, 3, 4, 5].map((i) => client.query('SELECT name FROM teams WHERE id = $1', [`team-${i}`])));
    const checkoutAndLoop = (): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        pool.connect((err, client, release) => {
          if (err || client === undefined) return reject(err as Error);
          loopIn(client).then(
            () => {
              release();
              resolve();
            },
            (e: unknown) => {
              release();
              reject(e as Error);
            },
          );
        });
      });
    try {
      // Served at once: an idle client (after a first query opened it).
      await pool.query('SELECT 1 AS warm');
      await fns.trace('served', checkoutAndLoop);
      // Queued: the only client is held, and released outside any trace.
      const holder = await pool.connect();
      const queued = fns.trace('queued', checkoutAndLoop);
      await new Promise((r) => setTimeout(r, 50));
      expect(pool.waitingCount).toBe(1);
      holder.release();
      await queued;
      const findings = qp.detectNPlusOne();
      expect(findings).toHaveLength(1);
      // Per trace, not a sliding window: both callbacks ran in their caller's trace.
      expect(findings[0]).toMatchObject({ detection: 'trace', occurrences: 10, traces_affected: 2, max_per_trace: 5 });
    } finally {
      await pool.end();
    }
  });

  it('disable() stops recording, enable() resumes, reset() forgets', async () => {
    const qp = new QueryProfiler();
    const pool = qp.instrument(newPool());
    try {
      qp.disable();
      await pool.query('SELECT count(*) FROM teams');
      expect(qp.getQueryStats().total_queries).toBe(0);
      qp.enable();
      await pool.query('SELECT count(*) FROM teams');
      expect(qp.getQueryStats().total_queries).toBe(1);
      qp.reset();
      expect(qp.getQueryStats()).toMatchObject({ total_queries: 0, slow_queries_count: 0, by_fingerprint: [] });
      await pool.query('SELECT count(*) FROM teams');
      expect(qp.getQueryStats().total_queries).toBe(1);
    } finally {
      await pool.end();
    }
  });
});
