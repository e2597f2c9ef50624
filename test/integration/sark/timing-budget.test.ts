import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDataset } from '../../../core/sark/dataset.js';
import { startSarkServer, type RunningSarkServer } from '../../../core/sark/index.js';
import { NO_LOG, SMALL_SIZES, createTestDatabase, postJson, profilingReport } from './helpers.js';

/**
 * The embedded server's timing budget on a real Postgres: above N requests a second only a
 * sample of requests is timed, and the report says so, while what an engineer counts (calls,
 * errors, /metrics) stays exact.
 */

const BUDGET = 20;
let db: { url: string; drop(): Promise<void> };
let server: RunningSarkServer;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startSarkServer({ pgUrl: db.url, profile: 'optimized', sizes: SMALL_SIZES, timingBudget: BUDGET, log: NO_LOG });
});

afterAll(async () => {
  await server?.close();
  await db?.drop();
});

/** `concurrency` loops posting hot pairs for `seconds`; returns how many requests were answered. */
async function load(seconds: number, concurrency: number): Promise<number> {
  const pairs = describeDataset({ sizes: SMALL_SIZES, storage: 'postgres' }).hotPairs;
  const until = Date.now() + seconds * 1000;
  let sent = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, c) => {
      for (let i = c; Date.now() < until; i += concurrency) {
        const r = await postJson(server.url, '/api/v1/policy/evaluate', pairs[i % pairs.length]);
        expect(r.status).toBe(200);
        sent++;
      }
    }),
  );
  return sent;
}

describe('timing budget (--timing-budget)', () => {
  it('times a sample of requests above the budget, with exact calls and an honest report', async () => {
    server.instrumentation.reset();
    const sent = await load(3.5, 8);
    // Several times the budget: after the first second, 1 in k requests is timed.
    expect(sent).toBeGreaterThan(BUDGET * 3.5 * 3);
    const report = await profilingReport(server.url);
    const fn = (name: string) => report.functions.find((f) => f.name === name);
    expect(fn('http_request')?.calls).toBe(sent);
    expect(fn('evaluate_policy')?.calls).toBe(sent);
    expect(fn('get_cached_decision')?.calls).toBe(sent);
    expect(report.function_timing).toBeDefined();
    const timing = report.function_timing!;
    // Every request is a trace, and so is each audit batch flush.
    expect(timing.traces).toBeGreaterThanOrEqual(sent);
    expect(timing.budget_per_s).toBe(BUDGET);
    expect(timing.timed_traces).toBeGreaterThan(0);
    expect(timing.timed_traces).toBeLessThan(sent / 2);
    // The estimated total is in the range of the calls times a real per-call time.
    const evaluation = fn('evaluate_policy')!;
    expect(evaluation.total_ms).toBeGreaterThan(0);
    expect(evaluation.mean_ms).toBeLessThan(1_000);

    // /metrics counts every evaluation, timed or not.
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const count = Number(/^sark_policy_evaluation_duration_seconds_count (\d+)/m.exec(metrics)?.[1]);
    expect(count).toBeGreaterThanOrEqual(sent);
  });
});
