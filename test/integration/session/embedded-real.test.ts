import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createDatabase } from '../../helpers/env.js';
import { compareReports } from '../../../core/analysis/compare.js';
import { buildSessionReport } from '../../../core/report/build.js';
import type { SessionReport } from '../../../core/report/types.js';
import { startRecording, type RecordOptions } from '../../../core/session/index.js';
import { openStore, type Store } from '../../../core/store/index.js';

/** The same story on the real Postgres and Redis of this machine (schema sark_embedded, Redis DB 5). */

const REDIS_URL = 'redis://127.0.0.1:6379/5';
let store: Store;
let db: Awaited<ReturnType<typeof createDatabase>>;

beforeAll(async () => {
  store = openStore(':memory:');
  db = await createDatabase('sw_sess_real');
});
afterAll(async () => {
  store.close();
  await db.drop();
  const r = new Redis(REDIS_URL);
  await r.flushdb();
  r.disconnect();
});

async function record(profile: 'baseline' | 'optimized'): Promise<SessionReport> {
  const target: RecordOptions['target'] = { kind: 'embedded', profile, pg: db.url, redis: REDIS_URL };
  const rec = await startRecording(store, { target, load: { users: 10, durationS: 8 } });
  const result = await rec.done;
  expect(result.status, result.error ?? '').toBe('completed');
  return buildSessionReport(store, result.sessionId);
}

describe('embedded server on real Postgres and Redis', () => {
  let baseline: SessionReport;
  it('baseline shows the N+1 with its call site, the slow analytics query and Redis cache patterns', async () => {
    baseline = await record('baseline');
    const n1 = baseline.n_plus_one.find((n) => /user_team_memberships/.test(n.query));
    expect(n1?.call_site).toMatch(/core\/sark\/data\/team-memberships\.ts:\d+$/);
    const analytics = baseline.queries.by_fingerprint.find((q) => /GROUP BY/i.test(q.query) && /policy_decision_logs/.test(q.query));
    expect(analytics?.mean_ms).toBeGreaterThan(100);
    expect(baseline.recommendations.find((r) => r.id.startsWith('index-policy_decision_logs'))?.evidence.join(' ')).toMatch(/EXPLAIN/);
    expect(baseline.cache?.by_pattern.map((p) => p.pattern)).toContain('policy:user:*');
    expect(baseline.session.target).toMatchObject({ storage: expect.stringContaining(db.name), cache: REDIS_URL });
  });

  it('optimized shows neither, and compares as improved', async () => {
    const optimized = await record('optimized');
    expect(optimized.n_plus_one).toEqual([]);
    const analytics = optimized.queries.by_fingerprint.find((q) => /GROUP BY/i.test(q.query) && /policy_decision_logs/.test(q.query));
    if (analytics) expect(analytics.mean_ms).toBeLessThan(100);
    expect(compareReports(baseline, optimized).verdict).toBe('improved');
  });
});
