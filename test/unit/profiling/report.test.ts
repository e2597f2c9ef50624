import pg from 'pg';
import { Registry } from 'prom-client';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CacheAnalyzer,
  ConnectionPoolMonitor,
  FunctionProfiler,
  LatencyHistogram,
  QueryProfiler,
  cacheAnalyzer,
  exactPercentile,
  functionProfiler,
  generatePerformanceReport,
  metricsRegistry,
  printPerformanceReport,
  queryProfiler,
  registerPoolMonitor,
  takeSnapshot,
  takeSnapshotSpread,
} from '../../../core/profiling/index.js';
import { LeanHistogram } from '../../../core/profiling/metrics.js';

// A pg.Pool that is never connected: the monitor only reads its counters.
const idlePool = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', max: 10 });

/** Deterministic, long-tailed durations (a fixed LCG; log-normal-ish). */
function durations(n: number, seed = 7): number[] {
  let x = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    const u = (x + 1) / 2_147_483_649;
    out.push(Math.exp(1 + 1.2 * Math.sqrt(-2 * Math.log(u)) * Math.cos(i)));
  }
  return out;
}

beforeEach(async () => {
  await queryProfiler.ready();
  queryProfiler.reset();
  functionProfiler.reset();
  cacheAnalyzer.reset();
  registerPoolMonitor(null);
});

afterAll(async () => {
  await idlePool.end();
});

describe('percentiles', () => {
  it('query and cache percentiles are within 1% of the exact values of the raw durations', async () => {
    const qp = new QueryProfiler();
    await qp.ready();
    const raw = durations(20_000);
    for (const d of raw) qp.recordQuery({ statement: 'SELECT * FROM policy_decision_logs WHERE id = $1', durationMs: d });
    const s = qp.getQueryStats().by_fingerprint[0]!;
    for (const [p, got] of [
      [50, s.p50_ms],
      [95, s.p95_ms],
      [99, s.p99_ms],
    ] as const) {
      const exact = exactPercentile(raw, p);
      expect(Math.abs(got - exact) / exact).toBeLessThan(0.01);
    }
    expect(s.max_ms).toBe(Math.max(...raw));
    expect(s.mean_ms).toBeCloseTo(raw.reduce((a, b) => a + b, 0) / raw.length, 9);

    const cache = new CacheAnalyzer();
    const hits = durations(5_000, 11).map((d) => d / 4);
    for (const d of hits) cache.recordOperation({ key: 'policy:user-1:tool-1:x', operation: 'get', hit: true, durationMs: d });
    const p95 = cache.getStats().hit_latency_ms.p95;
    expect(Math.abs(p95 - exactPercentile(hits, 95)) / exactPercentile(hits, 95)).toBeLessThan(0.01);
  });
});

describe('report, text, metrics and snapshots from the default instances', () => {
  function recordSomething(): void {
    const evaluate = functionProfiler.profile('evaluate_policy', () => {
      cacheAnalyzer.recordOperation({ key: 'policy:user-1:tool-1:invoke', operation: 'get', hit: true, durationMs: 0.8, sensitivity: 'public' });
      cacheAnalyzer.recordOperation({ key: 'policy:user-2:tool-1:invoke', operation: 'get', hit: false, durationMs: 2.5, sensitivity: 'critical' });
      cacheAnalyzer.recordOperation({ key: 'policy:user-2:tool-1:invoke', operation: 'set', durationMs: 1, sensitivity: 'critical', ttlS: 30 });
      for (let t = 1; t <= 6; t++) {
        queryProfiler.recordQuery({ statement: 'SELECT team_id FROM user_team_memberships WHERE user_id = $1 AND team_id = $2', durationMs: 4, rows: 1 });
      }
    });
    functionProfiler.trace('http_request', () => evaluate());
    queryProfiler.recordQuery({ statement: 'SELECT action, count(*) FROM policy_decision_logs GROUP BY action', durationMs: 245, rows: 4 });
    cacheAnalyzer.recordInvalidation('user_role_change', 3);
  }

  it('generatePerformanceReport returns every section', () => {
    recordSomething();
    const r = generatePerformanceReport();
    expect(r.queries.total_queries).toBe(7);
    expect(r.slow_queries).toHaveLength(1);
    expect(r.n_plus_one).toHaveLength(1);
    expect(r.n_plus_one[0]).toMatchObject({ occurrences: 6, traces_affected: 1, detection: 'trace' });
    expect(r.pool).toBeNull();
    expect(r.cache).toMatchObject({ operations: 3, hits: 1, misses: 1, hit_rate: 0.5 });
    expect(r.functions.map((f) => f.name).sort()).toEqual(['evaluate_policy', 'http_request']);
    expect(r.call_tree[0]!.children[0]!.name).toBe('evaluate_policy');
    expect(Date.parse(r.generated_at)).not.toBeNaN();
  });

  it('printPerformanceReport renders the seed-style tables and returns what it printed', () => {
    recordSomething();
    new ConnectionPoolMonitor(idlePool, { baseSize: 8 }).sample();
    let printed = '';
    const text = printPerformanceReport(undefined, { write: (t) => (printed = t) });
    expect(text).toBe(printed);
    for (const expected of [
      'SQL queries',
      'Query',
      'Count',
      'Avg (ms)',
      'P95 (ms)',
      'P99 (ms)',
      'SELECT team_id FROM user_team_memberships WHERE user_id = $1 AND team_id = $2',
      'Slowest queries',
      'SELECT action, count(*) FROM policy_decision_logs GROUP BY action',
      'N+1 query patterns',
      'test/unit/profiling/report.test.ts:',
      'Connection pool',
      'Pool size: 8   Max overflow: 2',
      'Checked out connections',
      'Cache',
      'Hit rate: 50.0%',
      'policy:user:*',
      'Sensitivity',
      'critical',
      'user_role_change',
      'Functions',
      'Per Call (ms)',
      'Call tree (critical path)',
      '└── evaluate_policy',
    ]) {
      expect(text).toContain(expected);
    }
    // Aligned: the rule under a table header is exactly as wide as the widest row.
    const lines = text.split('\n');
    const header = lines.findIndex((l) => l.startsWith('Pattern   '));
    expect(lines[header + 1]!.length).toBeGreaterThanOrEqual(lines[header + 2]!.length);
  });

  it('metricsRegistry exposes the seed metric names with the right values', async () => {
    const registry = metricsRegistry();
    expect(metricsRegistry()).toBe(registry);
    recordSomething();
    recordSomething();
    new ConnectionPoolMonitor(idlePool, { baseSize: 7 });
    const text = await registry.metrics();
    expect(text).toContain('# TYPE sark_policy_evaluation_duration_seconds histogram');
    expect(text).toMatch(/^sark_policy_evaluation_duration_seconds_count 2$/m);
    expect(text).toMatch(/^sark_policy_cache_hits_total 2$/m);
    expect(text).toMatch(/^sark_policy_cache_misses_total 2$/m);
    expect(text).toMatch(/^sark_db_connections_checked_out 0$/m);
    expect(text).toMatch(/^sark_db_connections_pool_size 7$/m);
    expect(text).toMatch(/^sark_db_slow_queries_total 2$/m);
    queryProfiler.reset();
    expect(await registry.metrics()).toMatch(/^sark_db_slow_queries_total 0$/m);
  });

  it('the evaluation histogram scrapes as a Prometheus histogram: cumulative buckets, +Inf, sum and count', async () => {
    const r = new Registry();
    const h = new LeanHistogram('t_seconds', 'test', [0.001, 0.005, 0.01]);
    r.registerMetric(h as unknown as Parameters<Registry['registerMetric']>[0]);
    for (const v of [0.0005, 0.001, 0.003, 0.02, 7]) h.observe(v);
    const text = await r.metrics();
    expect(text).toContain('# TYPE t_seconds histogram');
    // A value equal to a bound counts in that bucket (le = less or equal), as prom-client's does.
    expect(text).toMatch(/^t_seconds_bucket\{le="0\.001"\} 2$/m);
    expect(text).toMatch(/^t_seconds_bucket\{le="0\.005"\} 3$/m);
    expect(text).toMatch(/^t_seconds_bucket\{le="0\.01"\} 3$/m);
    expect(text).toMatch(/^t_seconds_bucket\{le="\+Inf"\} 5$/m);
    expect(text).toMatch(/^t_seconds_sum 7\.0245$/m);
    expect(text).toMatch(/^t_seconds_count 5$/m);
    r.resetMetrics();
    expect(await r.metrics()).toMatch(/^t_seconds_count 0$/m);
  });

  it('takeSnapshot: cumulative report, pool samples since the previous one, histograms on request', () => {
    recordSomething();
    const monitor = new ConnectionPoolMonitor(idlePool);
    monitor.sample();
    monitor.sample();
    const first = takeSnapshot();
    expect(first.pool_samples).toHaveLength(2);
    expect(first.histograms).toBeNull();
    expect(first.report.queries.total_queries).toBe(7);
    monitor.sample();
    const second = takeSnapshot({ histograms: true });
    expect(second.seq).toBe(first.seq + 1);
    expect(second.pool_samples).toHaveLength(1);
    expect(second.report.pool?.samples).toBe(3);
    const fp = second.report.n_plus_one[0]!.fingerprint;
    expect(LatencyHistogram.decode(second.histograms!.queries[fp]!).count).toBe(6);
    expect(LatencyHistogram.decode(second.histograms!.functions['http_request']!).count).toBe(1);
    expect(JSON.parse(JSON.stringify(second))).toEqual(second);
  });

  it('takeSnapshotSpread: percentiles up to 5 s old between histogram snapshots, exact in reports', async () => {
    const fp = new FunctionProfiler();
    const span = (ms: number) => fp.end(fp.beginTrace('http_request', 0), false, ms);
    for (let i = 0; i < 100; i++) span(1);
    const p95 = async (histograms: boolean) => (await takeSnapshotSpread({ functions: fp, pool: null, histograms })).report.functions[0]!.p95_ms;
    expect(await p95(false)).toBeCloseTo(1, 2);
    for (let i = 0; i < 100; i++) span(9);
    // The periodic snapshot keeps the percentiles it computed a moment ago...
    expect(await p95(false)).toBeCloseTo(1, 2);
    expect((await takeSnapshotSpread({ functions: fp, pool: null })).report.functions[0]!.calls).toBe(200);
    // ...a report, and a snapshot carrying histograms, are exact.
    expect(generatePerformanceReport({ functions: fp, pool: null }).functions[0]!.p95_ms).toBeCloseTo(9, 2);
    for (let i = 0; i < 100; i++) span(20);
    expect(await p95(true)).toBeCloseTo(20, 1);
  });

  it('takeSnapshotSpread: the same histograms, encoded while other work gets event-loop turns', async () => {
    recordSomething();
    const reference = takeSnapshot({ histograms: true, pool: null });
    const order: string[] = [];
    const spreading = takeSnapshotSpread({ histograms: true, pool: null }).then((s) => {
      order.push('snapshot');
      return s;
    });
    // Work that arrives meanwhile (a request) runs between the encodes: the loop is not held.
    setImmediate(() => order.push('request'));
    const spread = await spreading;
    expect(order).toEqual(['request', 'snapshot']);
    expect(spread.seq).toBe(reference.seq + 1);
    expect(spread.histograms).toEqual(reference.histograms);
    expect(Object.keys(spread.histograms!.functions).length + Object.keys(spread.histograms!.queries).length).toBeGreaterThan(2);
    expect(spread.report.queries.total_queries).toBe(reference.report.queries.total_queries);
    expect((await takeSnapshotSpread({ pool: null })).histograms).toBeNull();
  });
});
