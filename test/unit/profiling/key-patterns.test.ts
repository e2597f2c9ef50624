import { describe, expect, it } from 'vitest';
import { CacheAnalyzer, defaultKeyPattern } from '../../../core/profiling/index.js';
import { KeyPatterns, stripId } from '../../../core/profiling/key-patterns.js';

describe('cache key patterns', () => {
  it.each([
    ['policy:user-123:tool-9:invoke', 'policy:user:*'],
    ['policy:user-1:server-4:list', 'policy:user:*'],
    ['sensitivity:tool-55', 'sensitivity:tool:*'],
    ['user:role:123', 'user:role:*'],
    ['team:membership:user-7', 'team:membership:*'],
    ['user:123', 'user:*'],
    ['session:3f2b9c1e-8d4a-4f6b-9c2d-1a2b3c4d5e6f', 'session:*'],
    ['blob:0123456789abcdef0123', 'blob:*'],
    ['config:v2:flags', 'config:v2:*'],
    ['standalone-42', 'standalone'],
    ['12345', '*'],
  ])('%s -> %s', (key, pattern) => {
    expect(defaultKeyPattern(key)).toBe(pattern);
  });

  it('strips ids but keeps names that end in digits', () => {
    expect(stripId('user-123')).toBe('user');
    expect(stripId('tool_9')).toBe('tool');
    expect(stripId('tool9')).toBe('tool9');
    expect(stripId('')).toBe('');
  });

  it('applies configurable rules in order, first match wins, default last', () => {
    const analyzer = new CacheAnalyzer({
      rules: [
        { match: /^policy:[^:]+:server-/, pattern: 'policy:server:*' },
        { match: /^policy:/g, pattern: (_key, m) => `${m[0]}custom` },
      ],
    });
    expect(analyzer.patternOf('policy:user-1:server-3:list')).toBe('policy:server:*');
    expect(analyzer.patternOf('policy:user-1:tool-3:invoke')).toBe('policy:custom');
    // A global RegExp would alternate between matching and not; rules are stateless.
    expect(analyzer.patternOf('policy:user-2:tool-3:invoke')).toBe('policy:custom');
    expect(analyzer.patternOf('user:role:5')).toBe('user:role:*');
    expect(() => analyzer.setKeyPatternRules([{ match: 'policy' as unknown as RegExp, pattern: 'x' }])).toThrow(/RegExp/);
  });

  it('groups recorded operations by pattern, with hit rate as a fraction', () => {
    const analyzer = new CacheAnalyzer();
    analyzer.recordOperation({ key: 'policy:user-1:tool-1:invoke', operation: 'get', hit: true, durationMs: 0.5 });
    analyzer.recordOperation({ key: 'policy:user-2:tool-1:invoke', operation: 'get', hit: false, durationMs: 1.5 });
    analyzer.recordOperation({ key: 'policy:user-2:tool-1:invoke', operation: 'set', durationMs: 1, sensitivity: 'critical', ttlS: 30 });
    analyzer.recordOperation({ key: 'policy:user-3:tool-1:invoke', operation: 'get', hit: true, durationMs: 12, sensitivity: 'critical' });
    expect(analyzer.getKeyPatterns()).toEqual([
      { pattern: 'policy:user:*', operations: 4, hits: 2, misses: 1, hit_rate: 2 / 3, avg_latency_ms: 15 / 4 },
    ]);
    expect(analyzer.getSensitivityStats()).toEqual([
      { sensitivity: 'critical', ttl_s: 30, operations: 2, hits: 1, misses: 0, hit_rate: 1, avg_latency_ms: 6.5 },
    ]);
    const stats = analyzer.getStats();
    expect(stats.hit_latency_histogram.map((b) => b.count)).toEqual([1, 0, 0, 0, 0, 0, 1]);
    expect(stats.miss_latency_histogram.map((b) => b.count)).toEqual([0, 1, 0, 0, 0, 0, 0]);
    expect(() => analyzer.recordOperation({ key: 'k', operation: 'get', durationMs: -1 })).toThrow(/durationMs/);
    expect(() => analyzer.recordOperation({ operation: 'get', durationMs: 1 } as never)).toThrow(/key/);
  });

  it('gives the default rule pattern for every key, whatever keys came before (remembered prefixes)', () => {
    const shapes = [
      'policy:user-{n}:tool-{n}:invoke',
      'policy:user_{n}:tool-{n}',
      'policy:user:{n}',
      'policy:user',
      'policy:userX-{n}:a',
      'policy:user-:a',
      'policy:user-{n}a:b',
      'policy:user-{n}-{n}:b',
      'h:tool-9-2-{n}',
      'h:tool-9:{n}',
      'h:tool-9-{n}',
      'h:tool9-{n}',
      'h:v2:flags',
      'h:v2-{n}',
      'user:{n}',
      'user:role:{n}',
      'user:role-{n}',
      'sensitivity:tool-{n}',
      'team:membership:user-{n}',
      'session:3f2b9c1e-8d4a-4f6b-9c2d-1a2b3c4d5e6f',
      'blob:0123456789abcdef{n}',
      'blob-{n}:x',
      'a::b',
      ':x-{n}',
      'x:',
      'standalone-{n}',
      '{n}',
    ];
    const keys: string[] = [];
    for (let i = 0; i < 400; i++) {
      const shape = shapes[(i * 7) % shapes.length] as string;
      keys.push(shape.replace(/\{n\}/g, () => String((i * 37) % 1000)));
    }
    // Two passes in different orders, so each key meets prefixes remembered from the others.
    for (const order of [keys, [...keys].reverse()]) {
      const patterns = new KeyPatterns();
      for (const key of [...order, ...order]) expect([key, patterns.patternOf(key)]).toEqual([key, defaultKeyPattern(key)]);
    }
  });
});
