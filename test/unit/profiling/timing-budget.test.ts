import { describe, expect, it } from 'vitest';
import { FunctionProfiler, QueryProfiler, withStore, type CallTreeNode } from '../../../core/profiling/index.js';

/**
 * The function profiler's timing budget: above N traces a second only 1 in k traces is timed
 * (k a power of two), the timed ones weighted by k. What a user reads must stay right: calls
 * and errors exact, times and percentiles close, observers and N+1 detection seeing everything.
 */

function node(nodes: CallTreeNode[], name: string): CallTreeNode {
  const n = nodes.find((x) => x.name === name);
  if (n === undefined) throw new Error(`no node ${name}`);
  return n;
}

/** One request: http_request > evaluate_policy (1 ms, or 5 ms for every 10th) > log_decision. */
function request(fp: FunctionProfiler, i: number): void {
  const t = i * 10;
  const trace = fp.beginTrace('http_request', t);
  const evaluation = fp.begin('evaluate_policy', trace, t);
  fp.end(evaluation, false, t + (i % 10 === 0 ? 5 : 1));
  const logging = fp.begin('log_decision', trace, t + 5);
  fp.end(logging, i % 4 === 0, t + 5.5);
  fp.end(trace, false, t + 6);
}

/** Puts the profiler at 1 in k by showing it `rate` traces in the last second. */
function tune(fp: FunctionProfiler, budget: number, rate: number): void {
  fp.setTimingBudget(budget);
  for (let i = 0; i < rate; i++) fp.end(fp.beginTrace('warmup'));
  fp.retune(performance.now() + 1000);
}

describe('FunctionProfiler timing budget', () => {
  it('times every trace while the rate is within the budget', () => {
    const fp = new FunctionProfiler();
    tune(fp, 1_000, 500);
    expect(fp.timing().timing_every).toBe(1);
    fp.reset();
    for (let i = 0; i < 2_000; i++) request(fp, i);
    expect(fp.timing()).toMatchObject({ traces: 2_000, timed_traces: 2_000 });
    expect(fp.getStats('evaluate_policy')).toMatchObject({ calls: 2_000, total_ms: 200 * 5 + 1_800 * 1 });
  });

  it('above it, times 1 in k traces: calls and errors exact, times and percentiles close', () => {
    const fp = new FunctionProfiler();
    tune(fp, 100, 1_000);
    // 1,000 a second against a budget of 100: 1 in 16 (1,000 / 8 is still above 100).
    expect(fp.timing().timing_every).toBe(16);
    fp.reset();
    const n = 40_000;
    for (let i = 0; i < n; i++) request(fp, i);

    const { traces, timed_traces: timed } = fp.timing();
    expect(traces).toBe(n);
    // Binomial(40,000, 1/16): 2,500 +- 48 (1 sd).
    expect(timed).toBeGreaterThan(2_250);
    expect(timed).toBeLessThan(2_750);

    const evaluation = fp.getStats('evaluate_policy')!;
    expect(evaluation.calls).toBe(n);
    expect(evaluation.errors).toBe(0);
    const exactTotal = (n / 10) * 5 + (n - n / 10) * 1;
    expect(Math.abs(evaluation.total_ms - exactTotal) / exactTotal).toBeLessThan(0.1);
    // 10% of calls take 5 ms: p95 and p99 are 5 ms, the mean ~1.4 ms.
    expect(evaluation.p95_ms).toBeCloseTo(5, 1);
    expect(evaluation.p99_ms).toBeCloseTo(5, 1);
    expect(evaluation.mean_ms).toBeGreaterThan(1.25);
    expect(evaluation.mean_ms).toBeLessThan(1.55);

    const logging = fp.getStats('log_decision')!;
    expect(logging).toMatchObject({ calls: n, errors: n / 4 });

    // The call tree is the timed sample, weighted: close to the real counts.
    const http = node(fp.getCallTree(), 'http_request');
    expect(Math.abs(http.calls - n) / n).toBeLessThan(0.1);
    expect(Math.abs(node(http.children, 'evaluate_policy').total_ms - exactTotal) / exactTotal).toBeLessThan(0.1);
  });

  it('observers still see every span with its real duration', () => {
    const fp = new FunctionProfiler();
    const seen: number[] = [];
    fp.observe('evaluate_policy', (ms) => seen.push(ms));
    tune(fp, 100, 1_000);
    fp.reset();
    for (let i = 0; i < 1_000; i++) request(fp, i);
    expect(fp.timing().timed_traces).toBeLessThan(200);
    expect(seen).toHaveLength(1_000);
    expect(seen.filter((ms) => ms === 5)).toHaveLength(100);
    expect(seen.filter((ms) => ms === 1)).toHaveLength(900);
  });

  it('queries in untimed traces still count toward their trace (N+1 findings stay exact)', async () => {
    const fp = new FunctionProfiler();
    const qp = new QueryProfiler({ nPlusOneThreshold: 5 });
    await qp.ready();
    tune(fp, 10, 1_000);
    expect(fp.timing().timing_every).toBeGreaterThan(64);
    for (let i = 0; i < 300; i++) {
      const trace = fp.beginTrace('http_request');
      const teams = fp.begin('load_team_memberships', trace);
      for (let q = 0; q < 6; q++) {
        withStore(teams.store, () => qp.recordQuery({ statement: `SELECT team_id FROM user_team_memberships WHERE user_id = 'u' AND team_id = 't${q}'`, durationMs: 0.1 }));
      }
      fp.end(teams);
      fp.end(trace);
    }
    const [finding] = qp.detectNPlusOne();
    expect(finding).toMatchObject({ detection: 'trace', traces_affected: 300, occurrences: 1_800, max_per_trace: 6 });
  });

  it('goes back to timing everything when the budget is lifted or the rate drops', () => {
    const fp = new FunctionProfiler();
    tune(fp, 100, 1_000);
    expect(fp.timing().timing_every).toBe(16);
    fp.retune(performance.now() + 5_000); // a quiet second
    expect(fp.timing().timing_every).toBe(1);
    tune(fp, 100, 1_000);
    fp.setTimingBudget(null);
    expect(fp.timingBudget).toBeNull();
    fp.reset();
    for (let i = 0; i < 100; i++) request(fp, i);
    expect(fp.timing()).toMatchObject({ traces: 100, timed_traces: 100 });
  });

  it('rejects a budget that is not a positive number', () => {
    const fp = new FunctionProfiler();
    expect(() => fp.setTimingBudget(0)).toThrow(/timing budget must be a number of traces per second > 0/);
    expect(() => fp.setTimingBudget(Number.NaN)).toThrow(/timing budget/);
  });
});
