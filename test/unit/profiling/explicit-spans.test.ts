import { describe, expect, it } from 'vitest';
import { CacheAnalyzer, FunctionProfiler, type CallTreeNode } from '../../../core/profiling/index.js';

function find(nodes: CallTreeNode[], name: string): CallTreeNode {
  const n = nodes.find((x) => x.name === name);
  if (n === undefined) throw new Error(`no node ${name} among ${nodes.map((x) => x.name).join(', ')}`);
  return n;
}

describe('explicit spans (begin/end) on the hot path', () => {
  it('uses the instants the caller passes, so durations and self time are exactly theirs', () => {
    const fp = new FunctionProfiler();
    const trace = fp.beginTrace('http_request', 1000);
    const evaluation = fp.begin('evaluate_policy', trace, 1000.5);
    const lookup = fp.begin('get_cached_decision', evaluation, 1000.5);
    fp.end(lookup, false, 1001.25);
    fp.end(evaluation, false, 1002);
    const logging = fp.begin('log_decision', trace, 1002);
    fp.end(logging, true, 1002.5);
    fp.end(trace, false, 1003);

    expect(fp.getStats('get_cached_decision')).toMatchObject({ calls: 1, total_ms: 0.75 });
    expect(fp.getStats('evaluate_policy')).toMatchObject({ calls: 1, total_ms: 1.5, self_ms: 0.75 });
    expect(fp.getStats('log_decision')).toMatchObject({ calls: 1, errors: 1, total_ms: 0.5 });
    const http = find(fp.getCallTree(), 'http_request');
    expect(http).toMatchObject({ calls: 1, total_ms: 3, self_ms: 1 });
    expect(find(find(http.children, 'evaluate_policy').children, 'get_cached_decision').total_ms).toBe(0.75);
  });

  it('puts a name opened under different parents in each parent’s node, however they alternate', () => {
    const fp = new FunctionProfiler();
    for (let i = 0; i < 5; i++) {
      const trace = fp.beginTrace('http_request');
      // load_tool under evaluate_policy, then directly under the trace, then under the batch span.
      const evaluation = fp.begin('evaluate_policy', trace);
      fp.end(fp.begin('load_tool', evaluation));
      fp.end(evaluation);
      fp.end(fp.begin('load_tool', trace));
      const batch = fp.begin('evaluate_policy_batch', trace);
      fp.end(fp.begin('load_tool', batch));
      fp.end(fp.begin('load_tool', batch));
      fp.end(batch);
      fp.end(trace);
    }
    // A root span of the same name is a tree of its own.
    fp.end(fp.beginTrace('load_tool'));

    const roots = fp.getCallTree();
    const http = find(roots, 'http_request');
    expect(find(find(http.children, 'evaluate_policy').children, 'load_tool').calls).toBe(5);
    expect(find(http.children, 'load_tool').calls).toBe(5);
    expect(find(find(http.children, 'evaluate_policy_batch').children, 'load_tool').calls).toBe(10);
    expect(find(roots, 'load_tool').calls).toBe(1);
    expect(fp.getStats('load_tool')?.calls).toBe(21);
  });

  it('after reset() spans land in a fresh tree and nothing of before is counted', () => {
    const fp = new FunctionProfiler();
    const before = fp.beginTrace('http_request');
    fp.end(fp.begin('evaluate_policy', before));
    fp.end(before);
    fp.reset();
    const after = fp.beginTrace('http_request');
    fp.end(fp.begin('evaluate_policy', after));
    fp.end(after);
    const http = find(fp.getCallTree(), 'http_request');
    expect(http.calls).toBe(1);
    expect(find(http.children, 'evaluate_policy').calls).toBe(1);
    expect(fp.getStats('evaluate_policy')?.calls).toBe(1);
  });
});

describe('CacheAnalyzer key patterns for repeated keys', () => {
  it('counts a repeated key under its pattern, and under the new rules once they change', () => {
    const ca = new CacheAnalyzer();
    for (let i = 0; i < 3; i++) ca.add('policy:user-1:tool-9:invoke', 'get', true, 0.2, 'internal');
    ca.add('policy:user-2:tool-3:invoke', 'get', false, 0.4, 'public');
    ca.setKeyPatternRules([{ match: /^policy:user-1:/, pattern: 'policy:vip:*' }]);
    ca.add('policy:user-1:tool-9:invoke', 'get', true, 0.2, 'internal');
    const byPattern = Object.fromEntries(ca.getStats().by_pattern.map((p) => [p.pattern, p]));
    expect(byPattern['policy:user:*']).toMatchObject({ operations: 4, hits: 3, misses: 1 });
    expect(byPattern['policy:vip:*']).toMatchObject({ operations: 1, hits: 1, misses: 0 });
  });

  it('forgets remembered keys on reset(): counts start from zero under the same pattern', () => {
    const ca = new CacheAnalyzer();
    ca.add('user:role:user-7', 'get', true, 0.1);
    ca.add('user:role:user-7', 'get', true, 0.1);
    ca.reset();
    ca.add('user:role:user-7', 'get', true, 0.1);
    const section = ca.getStats();
    expect(section.by_pattern).toEqual([expect.objectContaining({ pattern: 'user:role:*', operations: 1, hits: 1 })]);
  });

  it('keeps patterns right past the bound on interned patterns (4,096)', () => {
    const ca = new CacheAnalyzer();
    // 5,000 distinct first segments: the interned patterns start over once, counts must not.
    ca.add('policy:user-1:tool-1:invoke', 'get', true, 0.1);
    for (let i = 0; i < 5_000; i++) ca.add(`ns${i.toString(36)}x:user-${i}`, 'get', false, 0.1);
    for (let i = 0; i < 3; i++) ca.add(`policy:user-${i}:tool-1:invoke`, 'get', true, 0.1);
    const byPattern = new Map(ca.getStats().by_pattern.map((p) => [p.pattern, p.operations]));
    expect(byPattern.get('policy:user:*')).toBe(4);
    expect(byPattern.get('ns0x:user:*')).toBe(1);
    // 1,000 patterns are tracked, the rest count under "(other)": the total stays exact.
    expect(byPattern.size).toBe(1_001);
    expect(byPattern.get('(other)')).toBe(5_000 - 999);
    expect([...byPattern.values()].reduce((a, b) => a + b, 0)).toBe(5_004);
  });
});

describe('CacheAnalyzer counting in batches', () => {
  it('every read counts what is pending: exact totals on both sides of a batch', () => {
    const ca = new CacheAnalyzer();
    ca.add('policy:user-1:tool-1:invoke', 'get', true, 0.3, 'public');
    // Read at once: one operation, not zero.
    expect(ca.totals).toEqual({ operations: 1, hits: 1, misses: 0 });
    // 1,000 more, mixed, across several batches.
    for (let i = 0; i < 1_000; i++) {
      const key = `policy:user-${i}:tool-${i % 7}:invoke`;
      if (i % 4 === 0) ca.add(key, 'get', false, 2.5, 'critical');
      else if (i % 4 === 1) ca.add(key, 'set', undefined, 0.5, 'critical', 30);
      else if (i % 4 === 2) ca.add(`user:role:user-${i}`, 'delete', undefined, 0.2);
      else ca.add(key, 'get', true, 0.4, 'public');
    }
    const stats = ca.getStats();
    expect(stats).toMatchObject({ operations: 1_001, gets: 501, sets: 250, deletes: 250, hits: 251, misses: 250 });
    expect(stats.by_pattern.find((p) => p.pattern === 'user:role:*')?.operations).toBe(250);
    const critical = stats.by_sensitivity.find((s) => s.sensitivity === 'critical');
    expect(critical).toMatchObject({ operations: 500, hits: 0, misses: 250, ttl_s: 30 });
    // The hit buckets hold every hit: 0.3 and 0.4 ms are all in the 0-1 ms bucket.
    expect(stats.hit_latency_histogram[0]?.count).toBe(251);
    expect(stats.miss_latency_histogram[2]?.count).toBe(250);
    // Pending records do not survive reset().
    ca.add('policy:user-1:tool-1:invoke', 'get', true, 0.3);
    ca.reset();
    expect(ca.totals).toEqual({ operations: 0, hits: 0, misses: 0 });
  });
});
