/**
 * Analysis benchmark (issue 5): compare two sessions of 1,000,000 requests each, and export one.
 * Target: < 2 s each. The sessions are built in a real store file the way the recorder leaves
 * them (1,800 per-second timeline rows, per-kind latency windows and totals with HDR histograms,
 * 40 query fingerprints and 30 functions with histograms, pool, cache, request trace of 1M rows).
 *
 *   npx tsx test/bench/analysis.ts
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareReports } from '../../core/analysis/compare.js';
import { LatencyHistogram } from '../../core/profiling/histogram.js';
import { buildSessionReport } from '../../core/report/build.js';
import { exportReportToFile } from '../../core/report/import-export.js';
import { createBatchedWriter, openStore, type Store, type TableRows } from '../../core/store/index.js';
import { prng } from '../fixtures/report.js';

const REQUESTS = 1_000_000;
const SECONDS = 1800;
const KINDS = ['cached', 'unique', 'critical', 'server'] as const;
const SHARE = { cached: 0.5, unique: 0.3, critical: 0.15, server: 0.05 };


function buildSession(store: Store, name: string, speed: number, seed: number): string {
  const r = prng(seed);
  const s = store.sessions.create({ name, target_kind: 'embedded', target: { kind: 'embedded' }, profile: name, load_config: { users: 100, ramp_up_s: 0, duration_s: SECONDS } });
  const id = s.id;
  const w = createBatchedWriter(store, { maxPendingRows: 5_000_000 });
  const perSecond = REQUESTS / SECONDS;
  const totals = Object.fromEntries(KINDS.map((k) => [k, new LatencyHistogram()])) as Record<(typeof KINDS)[number], LatencyHistogram>;
  let seq = 0;
  for (let t = 0; t < SECONDS; t++) {
    const second = new LatencyHistogram();
    for (const kind of KINDS) {
      const h = new LatencyHistogram();
      const n = Math.round(perSecond * SHARE[kind]);
      const base = (kind === 'cached' ? 2 : kind === 'server' ? 40 : 15) * speed;
      for (let i = 0; i < n; i++) {
        const v = base * (0.5 + r() * 1.5);
        h.record(v);
        w.push('request_trace', { session_id: id, seq: seq++, t_offset_ms: t * 1000 + i, kind, method: 'POST', path: '/api/v1/policy/evaluate', body: '{"user_id":"user-1","action":"invoke","tool_id":"tool-2"}', status: 200, latency_ms: v, error_class: null });
      }
      totals[kind].add(h);
      second.add(h);
      w.push('latency_windows', { session_id: id, t_s: t, kind, count: h.count, errors: 0, hist: h.encode() });
    }
    w.push('timeline', { session_id: id, t_s: t, requests: second.count, rps: second.count, errors: 0, p50_ms: second.percentile(50), p95_ms: second.percentile(95), p99_ms: second.percentile(99), pool_checked_out: 10 + r() * 5, pool_waiting: 0, cache_hit_rate: 0.6 + r() * 0.1, queries: 2000 });
  }
  const all = new LatencyHistogram();
  for (const k of KINDS) all.add(totals[k]);
  const lat = (h: LatencyHistogram) => ({ mean_ms: h.meanMs, p50_ms: h.percentile(50), p95_ms: h.percentile(95), p99_ms: h.percentile(99), max_ms: h.maxMs });
  w.push('latency_totals', { session_id: id, kind: '*', requests: all.count, errors: 0, ...lat(all), hist: all.encode() });
  for (const k of KINDS) w.push('latency_totals', { session_id: id, kind: k, requests: totals[k].count, errors: 0, ...lat(totals[k]), hist: totals[k].encode() });
  for (let q = 0; q < 40; q++) {
    const h = LatencyHistogram.from(Array.from({ length: 20_000 }, () => (q === 0 ? 200 : 3) * speed * (0.5 + r())));
    const row: TableRows['query_stats'] = { session_id: id, fingerprint: `fp${q}`, query: `SELECT * FROM t${q} WHERE id = $1`, count: 20_000 * 25, errors: 0, total_ms: h.sumMs * 25, mean_ms: h.meanMs, p50_ms: h.percentile(50), p95_ms: h.percentile(95), p99_ms: h.percentile(99), max_ms: h.maxMs, rows: 500_000, hist: h.encode() };
    w.push('query_stats', row);
  }
  for (let f = 0; f < 30; f++) {
    const h = LatencyHistogram.from(Array.from({ length: 10_000 }, () => 1 + r() * 5 * speed));
    w.push('function_stats', { session_id: id, name: `fn_${f}`, calls: 1_000_000, errors: 0, total_ms: h.meanMs * 1e6, self_ms: h.meanMs * 5e5, mean_ms: h.meanMs, p95_ms: h.percentile(95), p99_ms: h.percentile(99), hist: h.encode() });
  }
  w.close();
  store.sessions.finish(id, 'completed', { summary: { requests: all.count, errors: 0, throughput_rps: all.count / SECONDS, p50_ms: all.percentile(50), p95_ms: all.percentile(95), p99_ms: all.percentile(99), hit_rate: 0.65 } });
  return id;
}

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const v = fn();
  return [v, performance.now() - t0];
}

const dir = mkdtempSync(join(tmpdir(), 'sw-bench-analysis-'));
try {
  const store = openStore(join(dir, 'bench.sqlite'));
  process.stdout.write('building two sessions of 1,000,000 requests each (this takes a while)...\n');
  const [ids, buildMs] = time(() => [buildSession(store, 'baseline', 1, 1), buildSession(store, 'optimized', 0.5, 2)]);
  process.stdout.write(`built in ${(buildMs / 1000).toFixed(1)} s; store ${(statSync(join(dir, 'bench.sqlite')).size / 1e6).toFixed(0)} MB\n`);
  const [a, b] = ids as [string, string];
  const runs: Array<{ compareMs: number; exportMs: number }> = [];
  for (let i = 0; i < 3; i++) {
    const [cmp, compareMs] = time(() => compareReports(buildSessionReport(store, a), buildSessionReport(store, b)));
    const [, exportMs] = time(() => exportReportToFile(store, a, join(dir, 'export.json')));
    runs.push({ compareMs, exportMs });
    process.stdout.write(`run ${i + 1}: compare ${compareMs.toFixed(0)} ms (verdict ${cmp.verdict}), export ${exportMs.toFixed(0)} ms (${(statSync(join(dir, 'export.json')).size / 1e6).toFixed(1)} MB)\n`);
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
  const result = { requests_per_session: REQUESTS, compare_ms_median: median(runs.map((r) => r.compareMs)), export_ms_median: median(runs.map((r) => r.exportMs)), target_ms: 2000 };
  process.stdout.write(`compare median ${result.compare_ms_median.toFixed(0)} ms, export median ${result.export_ms_median.toFixed(0)} ms (target < 2000 ms each)\n`);
  process.stdout.write(JSON.stringify(result) + '\n');
  store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
