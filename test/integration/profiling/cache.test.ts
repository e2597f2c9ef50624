import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CacheAnalyzer } from '../../../core/profiling/index.js';
import { REDIS_DB } from './helpers.js';

// Real Redis, DB 1 (reserved for these tests). Ids are random numbers so that concurrent runs
// never share keys, and every key written is deleted afterwards.
const R = 100_000 + Math.floor(Math.random() * 800_000);
const K = {
  policyHit1: `policy:user-${R}:tool-1:invoke`,
  policyHit2: `policy:user-${R}:tool-2:invoke`,
  policyMiss: `policy:user-${R + 1}:tool-1:invoke`,
  policyNew: `policy:user-${R + 2}:tool-1:invoke`,
  sensitivity: `sensitivity:tool-${R}`,
  sensitivityMiss: `sensitivity:tool-${R + 1}`,
  role: `user:role:${R}`,
  team: `team:membership:user-${R}`,
  counter: `counter:${R}`,
};

let plain: Redis;

function connect(): Redis {
  return new Redis({ host: '127.0.0.1', port: 6379, db: REDIS_DB, lazyConnect: false, maxRetriesPerRequest: 2 });
}

beforeAll(async () => {
  plain = connect();
  await plain.set(K.policyHit1, '{"allow":true}', 'EX', 300);
  await plain.set(K.policyHit2, '{"allow":false}', 'EX', 300);
  await plain.set(K.sensitivity, 'critical', 'EX', 300);
});

afterAll(async () => {
  await plain.del(...Object.values(K));
  plain.disconnect();
});

describe('CacheAnalyzer.instrument(ioredis)', () => {
  it('counts hits and misses per key pattern exactly, through GET, MGET, pipelines and MULTI', async () => {
    const analyzer = new CacheAnalyzer();
    // Commands sent before the connection is ready go through ioredis's offline queue and are
    // sent again: they must still count once.
    const redis = analyzer.instrument(connect(), {
      sensitivityOf: (key) => (key.startsWith('policy:') ? 'public' : undefined),
    });
    try {
      expect(await redis.get(K.policyHit1)).not.toBeNull();
      expect(await redis.get(K.policyHit2)).not.toBeNull();
      expect(await redis.get(K.policyMiss)).toBeNull();
      expect(await redis.mget(K.sensitivity, K.sensitivityMiss)).toEqual(['critical', null]);

      const piped = await redis.pipeline().get(K.policyHit1).get(K.role).set(K.role, 'admin', 'EX', 30).exec();
      expect(piped?.map(([, v]) => v)).toEqual(['{"allow":true}', null, 'OK']);

      const tx = await redis.multi().incr(K.counter).get(K.role).get(K.team).exec();
      expect(tx?.map(([, v]) => v)).toEqual([1, 'admin', null]);

      await redis.multi({ pipeline: false });
      await redis.get(K.policyHit2);
      await redis.exec();

      await redis.setex(K.policyNew, 60, '{"allow":true}');
      expect(await redis.del(K.policyNew, K.counter)).toBe(2);

      const stats = analyzer.getStats();
      const byPattern = Object.fromEntries(stats.by_pattern.map((p) => [p.pattern, p]));
      expect(byPattern['policy:user:*']).toMatchObject({ operations: 7, hits: 4, misses: 1 });
      expect(byPattern['sensitivity:tool:*']).toMatchObject({ operations: 2, hits: 1, misses: 1, hit_rate: 0.5 });
      expect(byPattern['user:role:*']).toMatchObject({ operations: 3, hits: 1, misses: 1 });
      expect(byPattern['team:membership:*']).toMatchObject({ operations: 1, hits: 0, misses: 1 });
      expect(byPattern['counter:*']).toMatchObject({ operations: 1, hits: 0, misses: 0 });
      expect(Object.keys(byPattern).sort()).toEqual(['counter:*', 'policy:user:*', 'sensitivity:tool:*', 'team:membership:*', 'user:role:*']);
      expect(stats).toMatchObject({ gets: 10, sets: 2, deletes: 2, hits: 6, misses: 4, operations: 14 });
      expect(analyzer.getHitRate()).toBeCloseTo(0.6, 10);
      expect(stats.hit_latency_histogram.reduce((n, b) => n + b.count, 0)).toBe(6);
      expect(stats.miss_latency_histogram.reduce((n, b) => n + b.count, 0)).toBe(4);
      expect(stats.hit_latency_histogram.map((b) => [b.from_ms, b.to_ms])).toEqual([
        [0, 1],
        [1, 2],
        [2, 3],
        [3, 4],
        [4, 5],
        [5, 10],
        [10, null],
      ]);
      expect(stats.hit_latency_ms.avg).toBeGreaterThan(0);
      expect(stats.by_sensitivity).toEqual([
        expect.objectContaining({ sensitivity: 'public', operations: 7, hits: 4, misses: 1, ttl_s: 60 }),
      ]);
    } finally {
      redis.disconnect();
    }
  });

  it('records nothing while disabled, and reset() forgets', async () => {
    const analyzer = new CacheAnalyzer();
    const redis = analyzer.instrument(connect());
    try {
      analyzer.disable();
      await redis.get(K.policyHit1);
      expect(analyzer.getStats().operations).toBe(0);
      analyzer.enable();
      await redis.get(K.policyHit1);
      expect(analyzer.getStats()).toMatchObject({ operations: 1, hits: 1 });
      analyzer.recordInvalidation('user_role_change', 3);
      analyzer.recordInvalidation('user_role_change', 2);
      analyzer.recordInvalidation('policy_update');
      expect(analyzer.getInvalidations()).toEqual([
        { trigger: 'user_role_change', count: 2, keys_removed: 5 },
        { trigger: 'policy_update', count: 1, keys_removed: 0 },
      ]);
      analyzer.reset();
      expect(analyzer.getStats()).toMatchObject({ operations: 0, hits: 0, by_pattern: [], invalidations: [] });
      expect(analyzer.instrument(redis)).toBe(redis);
      await redis.get(K.policyMiss);
      expect(analyzer.getStats()).toMatchObject({ operations: 1, misses: 1 });
      expect(() => new CacheAnalyzer().instrument(redis)).toThrow(/already instrumented/);
      expect(() => analyzer.instrument({} as Redis)).toThrow(/ioredis client/);
    } finally {
      redis.disconnect();
    }
  });
});
