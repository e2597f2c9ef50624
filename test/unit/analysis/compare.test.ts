import { describe, expect, it } from 'vitest';
import { compareReports, failsRegressionGate } from '../../../core/analysis/compare.js';
import { LatencyHistogram } from '../../../core/profiling/histogram.js';
import { renderComparisonMarkdown, renderComparisonText } from '../../../core/report/compare-render.js';
import { makeReport, prng } from '../../fixtures/report.js';

function queryHist(mean: number, n: number, seed: number): string {
  const r = prng(seed);
  return LatencyHistogram.from(Array.from({ length: n }, () => mean * (0.6 + r() * 0.8))).encode();
}

/** A function histogram of `n` timed spans around `mean` ms, each standing for `weight` calls. */
function weightedHist(mean: number, n: number, weight: number): string {
  const h = new LatencyHistogram();
  // Evenly spread over mean +-40%: the mean is exactly `mean`.
  for (let i = 0; i < n; i++) h.record(mean * (0.6 + (0.8 * (i + 0.5)) / n), weight);
  return h.encode();
}

describe('compareReports', () => {
  it('weighs sampled function timings by the evidence they are, not by the calls they stand for', () => {
    // 50 timed spans on each side, each standing for 16 calls; the candidate is 8% slower.
    const build = (id: string, mean: number, seed: number, sampled: boolean) => {
      const r = makeReport({ id, run: { seed } });
      r.histograms.functions['evaluate_policy'] = weightedHist(mean, 50, 16);
      r.functions = [{ ...r.functions[0]!, calls: 800, mean_ms: mean }];
      if (sampled) r.function_timing = { traces: 800, timed_traces: 50, budget_per_s: 1_000 };
      return r;
    };
    const evaluation = (sampled: boolean) =>
      compareReports(build('a', 4, 31, sampled), build('b', 4.32, 32, sampled)).functions.find((f) => f.name === 'evaluate_policy')!;
    // Read as 800 observations a side the change looks certain; as the 50 it is, it is not.
    expect(evaluation(false).significant).toBe(true);
    expect(evaluation(true).significant).toBe(false);
  });


  it('baseline -> optimized: improved, with the analytics query falling sharply', () => {
    const base = makeReport({ id: 'a', run: { rps: 480, p50: 6, p95: 45, p99: 90, seed: 1 } });
    const opt = makeReport({ id: 'b', run: { rps: 900, p50: 2, p95: 12, p99: 25, seed: 2 } });
    base.histograms.queries['fp-analytics'] = queryHist(245, 300, 3);
    opt.histograms.queries['fp-analytics'] = queryHist(38, 300, 4);
    opt.queries.by_fingerprint = opt.queries.by_fingerprint.map((q) => (q.fingerprint === 'fp-analytics' ? { ...q, mean_ms: 38, p95_ms: 50 } : q));
    base.queries.by_fingerprint = base.queries.by_fingerprint.map((q) => (q.fingerprint === 'fp-analytics' ? { ...q, mean_ms: 245 } : q));
    const cmp = compareReports(base, opt);
    expect(cmp.verdict).toBe('improved');
    const tput = cmp.metrics.find((m) => m.metric === 'throughput_rps')!;
    expect(tput.significant).toBe(true);
    expect(tput.better).toBe(true);
    const analytics = cmp.queries.find((q) => q.fingerprint === 'fp-analytics')!;
    expect(analytics.significant).toBe(true);
    expect(analytics.change_pct).toBeLessThan(-80);
    expect(failsRegressionGate(cmp, 5)).toBe(false);
    const text = renderComparisonText(cmp);
    expect(text).toContain('Verdict: IMPROVED');
    expect(text).toMatch(/8\d% ↓/);
  });

  it('two runs of the same profile: unchanged, every key metric "~"', () => {
    const a = makeReport({ id: 'a', run: { seed: 11 } });
    const b = makeReport({ id: 'b', run: { seed: 12 } });
    const cmp = compareReports(a, b);
    expect(cmp.verdict).toBe('unchanged');
    for (const m of cmp.metrics.filter((x) => x.key)) expect(m.significant).toBe(false);
    expect(renderComparisonText(cmp)).toMatch(/Latency p95 .* ~/);
  });

  it('an injected slowdown is regressed and fails the gate', () => {
    const a = makeReport({ id: 'a', run: { p50: 5, p95: 40, p99: 80, seed: 21 } });
    const b = makeReport({ id: 'b', run: { p50: 25, p95: 60, p99: 100, rps: 380, seed: 22 } });
    const cmp = compareReports(a, b);
    expect(cmp.verdict).toBe('regressed');
    expect(cmp.regressions.map((r) => r.metric)).toContain('latency_p50_ms');
    expect(failsRegressionGate(cmp, 10)).toBe(true);
    // A gate looser than the regression does not fail.
    const worst = Math.max(...cmp.regressions.map((r) => Math.abs(r.change_pct ?? 0)));
    expect(failsRegressionGate(cmp, worst + 1)).toBe(false);
    expect(renderComparisonMarkdown(cmp)).toContain('regressed');
  });

  it('a query that disappears (N+1 replaced by a batch) is a significant change', () => {
    const a = makeReport({ id: 'a' });
    const b = makeReport({ id: 'b' });
    a.queries.by_fingerprint.push({ fingerprint: 'fp-loop', query: 'SELECT 1 FROM user_team_memberships WHERE user_id = $1 AND team_id = $2', count: 4000, errors: 0, total_ms: 4000, mean_ms: 1, p50_ms: 1, p95_ms: 2, p99_ms: 2, max_ms: 3, rows: 800 });
    const cmp = compareReports(a, b);
    const q = cmp.queries.find((x) => x.fingerprint === 'fp-loop')!;
    expect(q.candidate_count).toBe(0);
    expect(q.significant).toBe(true);
    expect(q.better).toBe(true);
  });

  it('cache patterns: hit-rate change in percentage points with a proportion test', () => {
    const a = makeReport({ id: 'a' });
    const b = makeReport({ id: 'b' });
    b.cache!.by_pattern = [{ pattern: 'policy:user:*', operations: 20000, hits: 13000, misses: 2000, hit_rate: 13000 / 15000, avg_latency_ms: 0.3 }];
    const p = compareReports(a, b).cache_patterns[0]!;
    expect(p.significant).toBe(true);
    expect(p.change_pp).toBeCloseTo((13000 / 15000 - 0.68) * 100, 1);
  });
});
