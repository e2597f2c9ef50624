import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeArgsFor, packageRoot } from '../../../core/common/paths.js';
import { MONITOR_COST_WARNING } from '../../../core/probes/index.js';
import type { SessionReport } from '../../../core/report/types.js';
import { CliProcess, ensureBuilt, runCli, type CliResult } from '../cli/harness.js';
import { randomSuffix, startRedis, startThrowawayPostgres, type ThrowawayPostgres, type ThrowawayRedis } from '../probes/helpers.js';
import { PER_REQUEST, STATEMENTS, TEAM_KEYS, USER_KEYS, type ServiceStats } from './fixtures/external-service.js';

/**
 * Profiling a user's own service: a small HTTP service (its own process, its own Postgres
 * database and Redis) runs a known number of statements and cache lookups per request, and the
 * report must agree exactly with what it did and with the servers' own statistics
 * (pg_stat_statements, Redis INFO). Postgres and Redis are throwaway servers: their statistics
 * are server-wide, and the shared ones see everybody's tests (and pg_stat_statements evicts
 * entries once the shared server has seen 5,000 statements).
 */

const SERVICE = new URL('./fixtures/external-service.ts', import.meta.url);
const ITEMS = 200;

let dir: string;
let cluster: ThrowawayPostgres;
let redis: ThrowawayRedis;
let dbUrl: string;
let noStatementsDbUrl: string;
let admin: pg.Client;
let service: ChildProcess;
let serviceUrl: string;

async function startService(): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, [...nodeArgsFor(SERVICE), dbUrl, redis.url], { cwd: packageRoot(), stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const m = /^listening (\d+)$/.exec(line);
      if (m) resolve(Number(m[1]));
    });
    proc.once('exit', (code) => reject(new Error(`the test service exited (${String(code)}) before listening`)));
  });
  return { proc, url: `http://127.0.0.1:${port}` };
}

beforeAll(async () => {
  await ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'sw-sess-external-'));
  cluster = await startThrowawayPostgres();
  redis = await startRedis();
  const name = `sw_sess_${randomSuffix()}`;
  const bare = `${name}_nostat`;
  const root = new pg.Client(cluster.url('postgres', cluster.password));
  await root.connect();
  await root.query(`CREATE DATABASE ${name}`);
  await root.query(`CREATE DATABASE ${bare}`);
  await root.end();
  dbUrl = cluster.url('postgres', cluster.password, name);
  noStatementsDbUrl = cluster.url('postgres', cluster.password, bare);
  admin = new pg.Client(dbUrl);
  await admin.connect();
  await admin.query('CREATE EXTENSION pg_stat_statements');
  await admin.query('CREATE TABLE sw_items (id int PRIMARY KEY, name text NOT NULL, grp int NOT NULL)');
  await admin.query('CREATE TABLE sw_hits (item_id int NOT NULL, at timestamptz NOT NULL DEFAULT now())');
  await admin.query(`INSERT INTO sw_items SELECT i, 'item ' || i, i % 10 FROM generate_series(1, ${ITEMS}) i`);
  // The cache the service reads: every user:N exists, team:membership:N only for even N.
  const pipe = redis.client.pipeline();
  for (let i = 0; i < USER_KEYS; i++) pipe.set(`user:${i}`, `u${i}`);
  for (let i = 0; i < TEAM_KEYS; i += 2) pipe.set(`team:membership:${i}`, `t${i}`);
  await pipe.exec();
  ({ proc: service, url: serviceUrl } = await startService());
}, 180_000);

afterAll(async () => {
  service?.kill('SIGKILL');
  await admin?.end().catch(() => undefined);
  await redis?.stop();
  cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Readings {
  service: ServiceStats;
  /** pg_stat_statements calls of the service's statements in its database. */
  calls: Record<keyof typeof STATEMENTS, number>;
  keyspaceHits: number;
  keyspaceMisses: number;
}

async function read(): Promise<Readings> {
  const svc = (await (await fetch(`${serviceUrl}/__stats`)).json()) as ServiceStats;
  const rows = (
    await admin.query<{ query: string; calls: string }>(
      'SELECT query, sum(calls)::text AS calls FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) GROUP BY query',
    )
  ).rows;
  const callsOf = (text: string) => Number(rows.find((r) => r.query === text)?.calls ?? 0);
  const info = await redis.client.info('stats');
  const stat = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? NaN);
  return {
    service: svc,
    calls: { item: callsOf(STATEMENTS.item), group: callsOf(STATEMENTS.group), hit: callsOf(STATEMENTS.hit) },
    keyspaceHits: stat('keyspace_hits'),
    keyspaceMisses: stat('keyspace_misses'),
  };
}

const STATEMENT_NAMES = Object.keys(STATEMENTS) as Array<keyof typeof STATEMENTS>;

/** What happened between two readings, as the service, pg_stat_statements and INFO saw it. */
function delta(a: Readings, b: Readings) {
  const d = {
    requests: b.service.requests - a.service.requests,
    queries: b.service.queries - a.service.queries,
    hits: b.service.hits - a.service.hits,
    misses: b.service.misses - a.service.misses,
    statements: {} as Record<keyof typeof STATEMENTS, number>,
    pgss: {} as Record<keyof typeof STATEMENTS, number>,
    infoHits: b.keyspaceHits - a.keyspaceHits,
    infoMisses: b.keyspaceMisses - a.keyspaceMisses,
  };
  for (const n of STATEMENT_NAMES) {
    d.statements[n] = b.service.statements[n] - a.service.statements[n];
    d.pgss[n] = b.calls[n] - a.calls[n];
  }
  return d;
}

async function profile(args: string[], name: string): Promise<{ r: CliResult; report: SessionReport }> {
  const json = join(dir, `${name}.json`);
  const r = await runCli(['profile', ...args, '--name', name, '--json', json, '--db', join(dir, 'sessions.db')]);
  expect(r.code, r.stderr).toBe(0);
  return { r, report: JSON.parse(readFileSync(json, 'utf8')) as SessionReport };
}

function expectExactCounts(report: SessionReport, d: ReturnType<typeof delta>): void {
  expect(d.requests).toBeGreaterThan(0);
  for (const n of STATEMENT_NAMES) {
    const row = report.queries.by_fingerprint.find((q) => q.query === STATEMENTS[n]);
    expect(row, `${STATEMENTS[n]} in ${JSON.stringify(report.queries.by_fingerprint.map((q) => q.query))}`).toBeDefined();
    // What the service executed, what pg_stat_statements counted, and what the report says.
    expect(d.statements[n]).toBe(d.requests * PER_REQUEST[n]);
    expect(d.pgss[n], n).toBe(d.statements[n]);
    expect(row!.count, n).toBe(d.statements[n]);
  }
  // Nothing else ran in that database during the window: the probe's own statements are excluded.
  expect(report.queries.total_queries).toBe(d.queries);
  expect(report.cache).not.toBeNull();
  expect(report.cache!.hits).toBe(d.hits);
  expect(report.cache!.misses).toBe(d.misses);
  expect(report.cache!.hit_rate).toBeCloseTo(d.hits / (d.hits + d.misses), 10);
}

describe('an external target: the report agrees with the service, pg_stat_statements and Redis INFO', () => {
  it('profile --target-url --pg --redis: exact query and cache counts, no secrets in the output', async () => {
    const before = await read();
    const { r, report } = await profile(['--target-url', serviceUrl, '--pg', dbUrl, '--redis', redis.url, '--users', '4', '--duration', '4'], 'external');
    const d = delta(before, await read());

    expectExactCounts(report, d);
    // INFO agrees too (nothing but the service reads keys on this throwaway Redis).
    expect(d.infoHits).toBe(d.hits);
    expect(d.infoMisses).toBe(d.misses);
    // Every request the load generator sent was served, once.
    expect(report.summary.requests).toBe(d.requests);
    expect(report.summary.errors).toBe(0);
    expect(report.session.target_kind).toBe('external');
    expect(report.timeline.length).toBeGreaterThanOrEqual(3);
    // Per second, the cache hit rate (INFO deltas) and the connections in use (pg_stat_activity).
    expect(report.timeline.some((p) => p.cache_hit_rate !== null && p.cache_hit_rate > 0 && p.cache_hit_rate < 1)).toBe(true);
    expect(report.timeline.some((p) => p.pool_checked_out !== null)).toBe(true);
    // The queries come from pg_stat_statements (the probe says so), and nothing needed a warning.
    expect((report.probes?.postgres as { pg_stat_statements?: boolean } | undefined)?.pg_stat_statements).toBe(true);
    expect(report.probes?.warnings ?? []).toEqual([]);
    // The URLs carry the cluster's password; it appears nowhere.
    const everything = r.stdout + r.stderr + JSON.stringify(report);
    expect(everything).not.toContain(cluster.password);
  });

  it('--redis-monitor 3: per-pattern hit rates, the MONITOR cost warning, and the totals still exact', async () => {
    const before = await read();
    const { report } = await profile(
      ['--target-url', serviceUrl, '--pg', dbUrl, '--redis', redis.url, '--redis-monitor', '3', '--users', '4', '--duration', '4'],
      'external-monitor',
    );
    const d = delta(before, await read());
    expectExactCounts(report, d);
    // INFO also counts the probe's two marker GETs (misses); the report subtracts them.
    expect(d.infoHits).toBe(d.hits);

    const byPattern = report.cache?.by_pattern ?? [];
    const pattern = (p: string) => byPattern.find((x) => x.pattern === p);
    const users = pattern('user:*');
    const decisions = pattern('decision:*');
    const teams = pattern('team:membership:*');
    expect(byPattern.map((p) => p.pattern).sort()).toEqual(['decision:*', 'team:membership:*', 'user:*']);
    expect(users!.hits).toBeGreaterThan(0);
    expect(users!.hit_rate).toBe(1);
    expect(decisions!.misses).toBeGreaterThan(0);
    expect(decisions!.hit_rate).toBe(0);
    // Alternating hit/miss per request: within the window, about half (4 users in flight at the edges).
    expect(Math.abs(teams!.hits - teams!.misses)).toBeLessThanOrEqual(8);
    expect(teams!.hits + teams!.misses).toBeGreaterThan(20);
    expect(report.probes?.warnings).toContain(`redis: ${MONITOR_COST_WARNING}`);
  });

  it('observe-only (no target): the workload we generate is counted exactly, and the timeline has rows', async () => {
    const before = await read();
    const json = join(dir, 'observe.json');
    const cli = new CliProcess(['profile', '--pg', dbUrl, '--redis', redis.url, '--duration', '4', '--name', 'observe', '--json', json, '--db', join(dir, 'sessions.db')]);
    try {
      await cli.waitForStderr(/session s-[\w-]+ \(observe\) recording/);
      // The user's own load (here: us), while the recorder only watches.
      const REQUESTS = 60;
      for (let i = 0; i < REQUESTS; i++) {
        const res = await fetch(`${serviceUrl}/api/v1/policy/evaluate`, { method: 'POST', body: '{}' });
        expect(res.status).toBe(200);
        await res.arrayBuffer();
      }
      // The workload ended inside the 4 s window (60 requests take well under a second).
      expect(cli.proc.exitCode).toBeNull();
      const r = await cli.exited;
      expect(r.code, r.stderr).toBe(0);
      const d = delta(before, await read());
      expect(d.requests).toBe(REQUESTS);
      const report = JSON.parse(readFileSync(json, 'utf8')) as SessionReport;
      expectExactCounts(report, d);
      expect(d.infoHits).toBe(d.hits);
      expect(d.infoMisses).toBe(d.misses);
      expect(report.session.target_kind).toBe('observe');
      expect(report.summary.requests).toBe(0); // no load of ours
      expect(report.timeline.length).toBeGreaterThanOrEqual(3);
      expect(report.timeline.some((p) => p.cache_hit_rate !== null)).toBe(true);
    } finally {
      await cli.kill();
    }
  });

  it('a database without pg_stat_statements: the report says how to enable it and keeps what it can', async () => {
    const { r, report } = await profile(['--pg', noStatementsDbUrl, '--redis', redis.url, '--duration', '2'], 'observe-no-statements');
    const warning = (report.probes?.warnings ?? []).find((w) => w.includes('pg_stat_statements'));
    expect(warning).toMatch(/pg_stat_statements is not created in database 'sw_sess_\w+_nostat'.*CREATE EXTENSION pg_stat_statements/);
    expect(r.stdout).toMatch(/Probe warnings/);
    expect(report.queries.by_fingerprint).toEqual([]);
    expect(report.timeline.length).toBeGreaterThan(0);
    expect(report.probes?.postgres).toBeDefined();
  });
});
