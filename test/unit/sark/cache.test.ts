import { afterEach, describe, expect, it, vi } from 'vitest';
import { contextDigest, toolDecisionKey, toolDecisionPatterns, userDecisionPatterns } from '../../../core/sark/cache/keys.js';
import { MemoryCacheBackend, globToRegExp } from '../../../core/sark/cache/memory-backend.js';
import { TtlPolicy, adaptiveMultiplier, baseTtlS } from '../../../core/sark/cache/ttl-policy.js';
import { representativeKey } from '../../../core/sark/cache/decision-cache.js';
import { decodeDecision, encodeDecision } from '../../../core/sark/decision-codec.js';
import { defaultKeyPattern } from '../../../core/profiling/key-patterns.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('key scheme', () => {
  it('keys a decision by user, tool and action, and by context only when there is one', () => {
    expect(toolDecisionKey('user-1', 'tool-9', 'invoke', contextDigest(undefined))).toBe('policy:user-1:tool-9:invoke');
    expect(toolDecisionKey('user-1', 'tool-9', 'invoke', contextDigest({}))).toBe('policy:user-1:tool-9:invoke');
    const mfa = toolDecisionKey('user-1', 'tool-9', 'invoke', contextDigest({ mfa: true }));
    expect(mfa).toMatch(/^policy:user-1:tool-9:invoke:[0-9a-f]{8}$/);
    expect(mfa).not.toBe(toolDecisionKey('user-1', 'tool-9', 'invoke', contextDigest({ mfa: false })));
    // Key order in the context does not matter.
    expect(contextDigest({ a: 1, b: 2 })).toBe(contextDigest({ b: 2, a: 1 }));
  });

  it('groups into the seed patterns', () => {
    expect(defaultKeyPattern('policy:user-12:tool-9:invoke')).toBe('policy:user:*');
    expect(defaultKeyPattern('policy:server-3:user-12:connect')).toBe('policy:server:*');
    expect(defaultKeyPattern('sensitivity:tool-9')).toBe('sensitivity:tool:*');
    expect(defaultKeyPattern('user:role:user-12')).toBe('user:role:*');
    expect(defaultKeyPattern(representativeKey('policy:server-*:user-1:*'))).toBe('policy:server:*');
    expect(defaultKeyPattern(representativeKey('policy:*'))).toBe('policy:*');
  });

  it('invalidation patterns match that user or tool only', () => {
    const [tools, servers] = userDecisionPatterns('user-1').map(globToRegExp) as [RegExp, RegExp];
    expect(tools.test('policy:user-1:tool-2:invoke')).toBe(true);
    expect(tools.test('policy:user-12:tool-2:invoke')).toBe(false);
    expect(servers.test('policy:server-4:user-1:connect')).toBe(true);
    expect(servers.test('policy:server-4:user-11:connect')).toBe(false);
    const [tool] = toolDecisionPatterns('tool-2').map(globToRegExp) as [RegExp];
    expect(tool.test('policy:user-7:tool-2:read:abcd0123')).toBe(true);
    expect(tool.test('policy:user-7:tool-21:read')).toBe(false);
  });
});

describe('decision codec', () => {
  it('round-trips, reasons with separators included', () => {
    const d = { allow: true, reason: 'allowed by x: a|b', sensitivity: 'critical' as const, freshUntilMs: 1234, ttlS: 60 };
    expect(decodeDecision(encodeDecision(d))).toEqual(d);
    expect(decodeDecision('garbage')).toBeNull();
    expect(decodeDecision('1|z|1|1|r')).toBeNull();
  });
});

describe('TTL policy', () => {
  it('uses the seed TTLs by sensitivity and the critical knob', () => {
    expect(baseTtlS('public', 30)).toBe(300);
    expect(baseTtlS('internal', 30)).toBe(120);
    expect(baseTtlS('confidential', 30)).toBe(60);
    expect(baseTtlS('critical', 45)).toBe(45);
    expect(new TtlPolicy(30, false).ttlFor('k', 'public')).toBe(300);
  });

  it('adaptive TTL scales by access count within each sensitivity cap, never for critical', () => {
    expect([adaptiveMultiplier(0), adaptiveMultiplier(11), adaptiveMultiplier(51), adaptiveMultiplier(101)]).toEqual([0.75, 1, 1.5, 2]);
    const ttl = new TtlPolicy(30, true);
    expect(ttl.ttlFor('cold', 'public')).toBe(225);
    for (let i = 0; i < 150; i++) ttl.noteAccess('hot');
    expect(ttl.ttlFor('hot', 'public')).toBe(600);
    expect(ttl.ttlFor('hot', 'internal')).toBe(240);
    expect(ttl.ttlFor('hot', 'confidential')).toBe(60);
    expect(ttl.ttlFor('hot', 'critical')).toBe(30);
  });
});

describe('in-process cache', () => {
  it('expires entries after their TTL and reports the remaining TTL', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const c = new MemoryCacheBackend();
    await c.set('a', '1', 10);
    expect(await c.get('a')).toBe('1');
    expect(await c.ttl('a')).toBe(10);
    vi.setSystemTime(1_000_000 + 9_500);
    expect(await c.ttl('a')).toBe(1);
    vi.setSystemTime(1_000_000 + 10_000);
    expect(await c.get('a')).toBeNull();
    expect(await c.ttl('a')).toBe(-2);
  });

  it('deletes by glob and by key, counting only live keys', async () => {
    const c = new MemoryCacheBackend();
    await c.setPipelined([
      { key: 'policy:user-1:tool-1:invoke', value: 'x', ttlS: 60 },
      { key: 'policy:user-1:tool-2:invoke', value: 'x', ttlS: 60 },
      { key: 'policy:user-2:tool-1:invoke', value: 'x', ttlS: 60 },
    ]);
    expect(await c.deleteMatching('policy:user-1:*')).toBe(2);
    expect(await c.getPipelined(['policy:user-1:tool-1:invoke', 'policy:user-2:tool-1:invoke'])).toEqual([null, 'x']);
    expect(await c.del(['policy:user-2:tool-1:invoke', 'missing'])).toBe(1);
  });

  it('is bounded: the oldest writes go first', async () => {
    const c = new MemoryCacheBackend(3);
    for (const k of ['a', 'b', 'c', 'd']) await c.set(k, k, 60);
    expect(c.size).toBe(3);
    expect(await c.get('a')).toBeNull();
    expect(await c.get('d')).toBe('d');
  });
});
