import { describe, expect, it } from 'vitest';
import { CacheAnalyzer, FunctionProfiler, QueryProfiler, type CallTreeNode } from '../../../core/profiling/index.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

function find(nodes: CallTreeNode[], name: string): CallTreeNode {
  const n = nodes.find((x) => x.name === name);
  if (n === undefined) throw new Error(`no node ${name}`);
  return n;
}

describe('FunctionProfiler', () => {
  it('builds the call tree of nested spans, with self time = total minus children', async () => {
    const fp = new FunctionProfiler();
    const getCached = fp.profile('get_cached_decision', async () => {
      await sleep(2);
      return null;
    });
    const execute = fp.profile('execute_policy', (x: number) => {
      busy(1);
      return x * 2;
    });
    const evaluate = fp.profile('evaluate_policy', async (x: number) => {
      const cached = await getCached();
      return cached ?? execute(x);
    });
    for (let i = 0; i < 3; i++) {
      const result = await fp.trace('http_request', async () => {
        const r = await evaluate(21);
        await fp.profileBlock('log_decision', () => sleep(1));
        return r;
      });
      expect(result).toBe(42);
    }
    const tree = fp.getCallTree();
    expect(tree.map((n) => n.name)).toEqual(['http_request']);
    const http = find(tree, 'http_request');
    expect(http.calls).toBe(3);
    const evaluateNode = find(http.children, 'evaluate_policy');
    expect(evaluateNode.children.map((c) => c.name).sort()).toEqual(['execute_policy', 'get_cached_decision']);
    expect(find(http.children, 'log_decision').calls).toBe(3);
    // Sequential children: self time is exactly what the children do not account for.
    const childTotal = evaluateNode.children.reduce((s, c) => s + c.total_ms, 0);
    expect(evaluateNode.self_ms).toBeCloseTo(evaluateNode.total_ms - childTotal, 6);
    expect(evaluateNode.self_ms).toBeGreaterThanOrEqual(0);
    const httpChildren = http.children.reduce((s, c) => s + c.total_ms, 0);
    expect(http.self_ms).toBeCloseTo(http.total_ms - httpChildren, 6);

    const stats = fp.getStats('evaluate_policy');
    expect(stats).toMatchObject({ name: 'evaluate_policy', calls: 3, errors: 0 });
    expect(stats!.mean_ms).toBeCloseTo(stats!.total_ms / 3, 9);
    expect(stats!.p95_ms).toBeLessThanOrEqual(stats!.total_ms);
    expect(fp.getStats().map((s) => s.name)).toContain('get_cached_decision');
    expect(fp.getStats('never_called')).toBeUndefined();
  });

  it('preserves this, arguments, return values and thrown errors, sync and async, and counts errors', async () => {
    const fp = new FunctionProfiler();
    class Service {
      factor = 3;
      scale = fp.profile('scale', function (this: Service, a: number, b: number) {
        return this.factor * (a + b);
      });
      fail = fp.profile('fail', () => {
        throw new TypeError('sync boom');
      });
      failAsync = fp.profile('fail_async', async () => {
        await sleep(1);
        throw new RangeError('async boom');
      });
    }
    const s = new Service();
    expect(s.scale(1, 2)).toBe(9);
    expect(() => s.fail()).toThrow(TypeError);
    await expect(s.failAsync()).rejects.toThrow(RangeError);
    const thenable = { then: () => 'not run' };
    expect(fp.profileBlock('returns_thenable', () => thenable)).toBe(thenable);
    expect(fp.getStats('fail')).toMatchObject({ calls: 1, errors: 1 });
    expect(fp.getStats('fail_async')).toMatchObject({ calls: 1, errors: 1 });
    expect(fp.getStats('scale')).toMatchObject({ calls: 1, errors: 0 });
    expect(() => fp.profile('', () => 1)).toThrow(/non-empty/);
    expect(() => fp.profile('x', 42 as unknown as () => void)).toThrow(/expected a function/);
    expect(() => fp.trace('x', null as unknown as () => void)).toThrow(/expected a function/);
  });

  it('samples traces: nothing inside an unsampled trace is recorded, by any profiler', async () => {
    const fp = new FunctionProfiler();
    const qp = new QueryProfiler();
    const cache = new CacheAnalyzer();
    await qp.ready();
    const work = fp.profile('work', () => {
      qp.recordQuery({ statement: 'SELECT * FROM t WHERE id = $1', durationMs: 1 });
      cache.recordOperation({ key: 'policy:user-1:tool-1:a', operation: 'get', hit: true, durationMs: 1 });
    });
    fp.setSamplingRate(0);
    for (let i = 0; i < 10; i++) await fp.trace('http_request', async () => work());
    expect(fp.getStats()).toEqual([]);
    expect(qp.getQueryStats().total_queries).toBe(0);
    expect(cache.getStats().operations).toBe(0);

    fp.setSamplingRate(0.5);
    const traces = 4_000;
    for (let i = 0; i < traces; i++) fp.trace('http_request', work);
    const sampled = fp.getStats('http_request')!.calls;
    // Binomial(4000, 0.5): 1,800..2,200 is more than 6 standard deviations wide.
    expect(sampled).toBeGreaterThan(1_800);
    expect(sampled).toBeLessThan(2_200);
    expect(fp.getStats('work')!.calls).toBe(sampled);
    expect(qp.getQueryStats().total_queries).toBe(sampled);
    expect(cache.getStats().operations).toBe(sampled);
    expect(() => fp.setSamplingRate(1.5)).toThrow(/between 0 and 1/);
  });

  it('disable() passes calls through, reset() forgets and keeps wrappers working', () => {
    const fp = new FunctionProfiler();
    const f = fp.profile('f', (x: number) => x + 1);
    fp.disable();
    expect(f(1)).toBe(2);
    expect(fp.getStats()).toEqual([]);
    fp.enable();
    f(1);
    expect(fp.getStats('f')!.calls).toBe(1);
    fp.reset();
    expect(fp.getStats()).toEqual([]);
    expect(fp.getCallTree()).toEqual([]);
    f(1);
    expect(fp.getStats('f')!.calls).toBe(1);
  });

  it('counts an N+1 per trace even when function profiling is disabled', async () => {
    const fp = new FunctionProfiler();
    const qp = new QueryProfiler();
    await qp.ready();
    fp.disable();
    fp.trace('http_request', () => {
      for (let i = 0; i < 5; i++) qp.recordQuery({ statement: 'SELECT * FROM team WHERE id = $1', durationMs: 2 }); // TRACE-LOOP
    });
    const findings = qp.detectNPlusOne();
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ detection: 'trace', occurrences: 5, traces_affected: 1, total_duration_ms: 10 });
    expect(findings[0]!.call_site).toMatch(/^test\/unit\/profiling\/functions\.test\.ts:\d+$/);
    expect(fp.getStats()).toEqual([]);
  });

  it('captureCpuProfile returns a V8 profile with nodes and samples', async () => {
    const fp = new FunctionProfiler();
    const spin = setInterval(() => busy(5), 10);
    try {
      const profile = await fp.captureCpuProfile(500);
      expect(profile.nodes.length).toBeGreaterThan(1);
      expect(profile.samples?.length ?? 0).toBeGreaterThan(0);
      expect(profile.endTime).toBeGreaterThan(profile.startTime);
      // The spinning code of this file was caught on CPU (busy() or, if inlined, its caller).
      expect(profile.nodes.some((n) => (n.hitCount ?? 0) > 0 && n.callFrame.url.includes('functions.test.ts'))).toBe(true);
    } finally {
      clearInterval(spin);
    }
    await expect(fp.captureCpuProfile(-1)).rejects.toThrow(/duration/);
  });
});
