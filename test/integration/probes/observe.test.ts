import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresProbe, RedisProbe, type ProbeSample, observe } from '../../../core/probes/index.js';
import { type TestDatabase, type ThrowawayRedis, createTestDatabase, startRedis } from './helpers.js';

describe('observe-only mode', () => {
  let db: TestDatabase;
  let redis: ThrowawayRedis;
  beforeAll(async () => {
    db = await createTestDatabase(true);
    await db.client.query('CREATE TABLE audit (id serial PRIMARY KEY, decision text)');
    redis = await startRedis();
    await redis.client.set('policy:user-1:tool:invoke', 'allow');
  });
  afterAll(async () => {
    await db?.drop();
    await redis?.stop();
  });

  it("records the user's own load on both servers into report sections", async () => {
    const pgProbe = await PostgresProbe.connect(db.url, { statementsIntervalMs: 300 });
    const redisProbe = await RedisProbe.connect(redis.url);
    const samples: ProbeSample[] = [];
    // The user's own load runs while the probes observe; we generate none.
    let stopLoad = false;
    let inserts = 0;
    const controller = new AbortController();
    const load = (async () => {
      // Start once both probes have their base readings (Redis streams after its first interval).
      while (!samples.some((s) => s.probe === 'redis') && !stopLoad) await new Promise((r) => setTimeout(r, 20));
      while (!stopLoad) {
        await db.client.query('INSERT INTO audit (decision) VALUES ($1)', ['allow']);
        inserts++;
        await redis.client.get('policy:user-1:tool:invoke');
        await redis.client.get('policy:user-2:tool:invoke');
        if (inserts === 200) controller.abort(); // the user presses stop
      }
    })();
    try {
      const sections = await observe({ postgres: pgProbe, redis: redisProbe }, { durationMs: 60_000, intervalMs: 200, signal: controller.signal, onSample: (s) => samples.push(s) });
      stopLoad = true;
      await load;
      // Stopped by the signal, long before the 60 s duration.
      expect(sections.duration_s).toBeLessThan(60);
      // Inserts that ran after the final snapshot are not in the window: at most the count.
      const insertCount = sections.queries?.by_fingerprint.find((f) => f.query.startsWith('INSERT INTO audit'))?.count ?? 0;
      expect(insertCount).toBeGreaterThanOrEqual(200);
      expect(insertCount).toBeLessThanOrEqual(inserts);
      expect(sections.cache?.hits).toBeGreaterThanOrEqual(200);
      // One hit and one miss per loop; the final INFO may fall between the two.
      expect(Math.abs((sections.cache?.hits ?? 0) - (sections.cache?.misses ?? 0))).toBeLessThanOrEqual(1);
      expect(sections.postgres?.activity.samples).toBeGreaterThanOrEqual(2);
      expect(sections.redis?.ops_per_s).toBeGreaterThan(0);
      expect(new Set(samples.map((s) => s.probe))).toEqual(new Set(['postgres', 'redis']));
      // pg_stat_statements is cluster-wide: other databases' statements (the rest of the suite runs
      // alongside) can evict entries, which the probe rightly warns about. Nothing else is expected.
      expect(sections.warnings.filter((w) => !/evicted entries/.test(w))).toEqual([]);
    } finally {
      stopLoad = true;
      await load;
      await pgProbe.close();
      await redisProbe.close();
    }
  });
});
