import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PerformanceReport } from '../../../core/profiling/report-types.js';
import { datasetTool, describeDataset, resolveDataset } from '../../../core/sark/dataset.js';
import type { EvaluationResult } from '../../../core/sark/decision-steps.js';
import type { SarkKnobs, SarkProfileName } from '../../../core/sark/knobs.js';
import { startSarkServer, type RunningSarkServer } from '../../../core/sark/server.js';
import { NO_LOG, SMALL_SIZES, createTestDatabase, postJson, profilingReport, startThrowawayRedis } from './helpers.js';

/**
 * Every knob changes what the profiler sees the way the seed describes. Real Postgres (own
 * database) and a throwaway Redis; one server at a time (the profilers are process-wide).
 */

const ds = resolveDataset({ sizes: SMALL_SIZES, storage: 'postgres' });
const desc = describeDataset({ sizes: SMALL_SIZES, storage: 'postgres' });
/** Tools shared with at least 5 teams: a team-by-team check crosses the N+1 threshold (5). */
const wideTools = Array.from({ length: ds.sizes.tools }, (_, i) => datasetTool(ds, i + 1)).filter((t) => t.teams.length >= 5);

let db: { url: string; drop(): Promise<void> };
let redis: Awaited<ReturnType<typeof startThrowawayRedis>>;

beforeAll(async () => {
  db = await createTestDatabase();
  redis = await startThrowawayRedis();
});
afterAll(async () => {
  await redis?.stop();
  await db?.drop();
});

async function withServer(profile: SarkProfileName, knobs: Partial<SarkKnobs>, fn: (s: RunningSarkServer) => Promise<void>): Promise<void> {
  const server = await startSarkServer({ profile, knobs: { prewarm: false, ...knobs }, pgUrl: db.url, redisUrl: redis.url, sizes: SMALL_SIZES, log: NO_LOG });
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

async function evaluate(s: RunningSarkServer, body: object): Promise<EvaluationResult> {
  const r = await postJson<EvaluationResult>(s.url, '/api/v1/policy/evaluate', body);
  expect(r.status).toBe(200);
  return r.body;
}

function queriesLike(report: PerformanceReport, re: RegExp): number {
  return report.queries.by_fingerprint.filter((q) => re.test(q.query)).reduce((n, q) => n + q.count, 0);
}

const fnCalls = (report: PerformanceReport, name: string): number => report.functions.find((f) => f.name === name)?.calls ?? 0;

describe('batchTeamLookups', () => {
  const membershipLoop = /user_team_memberships WHERE user_id = \$1 AND team_id = \$2/;
  it('false: the team-membership N+1 is reported with its call site in core/sark', async () => {
    await withServer('baseline', {}, async (s) => {
      for (const t of wideTools.slice(0, 4)) await evaluate(s, { user_id: 'user-3', tool_id: t.id, action: 'invoke' });
      const report = await profilingReport(s.url);
      const finding = report.n_plus_one.find((f) => membershipLoop.test(f.query));
      expect(finding).toBeDefined();
      expect(finding?.detection).toBe('trace');
      expect(finding?.traces_affected).toBe(4);
      expect(finding?.call_site).toMatch(/core\/sark\/data\/team-memberships\.ts:\d+$/);
    });
  });
  it('true: one `= ANY` query per evaluation and no N+1', async () => {
    await withServer('baseline', { batchTeamLookups: true }, async (s) => {
      for (const t of wideTools.slice(0, 4)) await evaluate(s, { user_id: 'user-3', tool_id: t.id, action: 'invoke' });
      const report = await profilingReport(s.url);
      expect(report.n_plus_one.filter((f) => /user_team_memberships/.test(f.query))).toEqual([]);
      expect(queriesLike(report, membershipLoop)).toBe(0);
      expect(queriesLike(report, /team_id = ANY\(\$2\)/)).toBe(4);
    });
  });
});

describe('teamMembershipCacheTtlS', () => {
  it('300: a user\'s teams are read once, then served from team:membership:*', async () => {
    await withServer('baseline', { teamMembershipCacheTtlS: 300 }, async (s) => {
      for (const t of wideTools.slice(0, 4)) await evaluate(s, { user_id: 'user-3', tool_id: t.id, action: 'invoke' });
      const report = await profilingReport(s.url);
      expect(queriesLike(report, /user_team_memberships WHERE user_id = \$1$/)).toBe(1);
      expect(queriesLike(report, /team_id = /)).toBe(0);
      expect(report.n_plus_one.filter((f) => /user_team_memberships/.test(f.query))).toEqual([]);
      expect(report.cache.by_pattern.find((p) => p.pattern === 'team:membership:*')).toMatchObject({ hits: 3, misses: 1 });
    });
  });
});

describe('eagerToolLoading (batch evaluate)', () => {
  const batch = { requests: ds.sizes.tools >= 10 ? Array.from({ length: 10 }, (_, i) => ({ user_id: 'user-4', tool_id: `tool-${i + 1}`, action: 'read' })) : [] };
  const perTool = /FROM tools WHERE id = \$1/;
  it('false: per-tool lookups in a loop are an N+1 (seed pattern 1)', async () => {
    await withServer('baseline', {}, async (s) => {
      expect((await postJson(s.url, '/api/v1/policy/evaluate/batch', batch)).status).toBe(200);
      const report = await profilingReport(s.url);
      const finding = report.n_plus_one.find((f) => perTool.test(f.query));
      expect(finding?.max_per_trace).toBe(10);
      expect(finding?.call_site).toMatch(/core\/sark\/data\/tool-metadata\.ts:\d+$/);
      // and the user role lookups of the same loop (seed pattern 2)
      expect(report.n_plus_one.some((f) => /FROM user_roles WHERE user_id = \$1/.test(f.query))).toBe(true);
    });
  });
  it('true: one query loads every tool of the batch', async () => {
    await withServer('baseline', { eagerToolLoading: true }, async (s) => {
      expect((await postJson(s.url, '/api/v1/policy/evaluate/batch', batch)).status).toBe(200);
      const report = await profilingReport(s.url);
      expect(queriesLike(report, perTool)).toBe(0);
      expect(queriesLike(report, /WHERE t\.id = ANY\(\$1\)/)).toBe(1);
      expect(report.n_plus_one.some((f) => /FROM tools/.test(f.query))).toBe(false);
    });
  });
  it('true: a single evaluation loads the tool with its sensitivity in one query', async () => {
    await withServer('baseline', { eagerToolLoading: true }, async (s) => {
      for (let t = 1; t <= 4; t++) await evaluate(s, { user_id: 'user-1', tool_id: `tool-${t}`, action: 'invoke' });
      const report = await profilingReport(s.url);
      expect(queriesLike(report, perTool)).toBe(0);
      expect(queriesLike(report, /FROM tool_sensitivity_classifications\s+WHERE tool_id = \$1/)).toBe(0);
      expect(queriesLike(report, /WHERE t\.id = \$1/)).toBe(4);
    });
  });
});

describe('toolMetadataCacheTtlS and userRoleInCache', () => {
  const sensitivityQuery = /FROM tool_sensitivity_classifications\s+WHERE tool_id = \$1/;
  it('0 / false: every cache miss queries tool metadata and roles', async () => {
    await withServer('baseline', {}, async (s) => {
      for (let u = 1; u <= 6; u++) await evaluate(s, { user_id: `user-${u}`, tool_id: 'tool-1', action: 'invoke' });
      for (let t = 1; t <= 6; t++) await evaluate(s, { user_id: 'user-1', tool_id: `tool-${t + 1}`, action: 'invoke' });
      const report = await profilingReport(s.url);
      expect(queriesLike(report, sensitivityQuery)).toBe(12);
      expect(queriesLike(report, /FROM user_roles WHERE user_id = \$1/)).toBe(12);
      expect(report.cache.by_pattern.some((p) => p.pattern === 'sensitivity:tool:*' || p.pattern === 'user:role:*')).toBe(false);
    });
  });
  it('300 / true: the cache answers instead (sensitivity:tool:* and user:role:* hits)', async () => {
    await withServer('baseline', { toolMetadataCacheTtlS: 300, userRoleInCache: true }, async (s) => {
      for (let u = 1; u <= 6; u++) await evaluate(s, { user_id: `user-${u}`, tool_id: 'tool-1', action: 'invoke' });
      for (let t = 1; t <= 6; t++) await evaluate(s, { user_id: 'user-1', tool_id: `tool-${t + 1}`, action: 'invoke' });
      const report = await profilingReport(s.url);
      expect(queriesLike(report, sensitivityQuery)).toBe(7);
      // A user miss is one query, users joined with their roles, not two.
      expect(queriesLike(report, /FROM user_roles WHERE user_id = \$1/)).toBe(0);
      expect(queriesLike(report, /FROM users u LEFT JOIN user_roles r ON r\.user_id = u\.id WHERE u\.id = \$1/)).toBe(6);
      const sens = report.cache.by_pattern.find((p) => p.pattern === 'sensitivity:tool:*');
      expect(sens?.hits).toBe(5);
      const users = report.cache.by_pattern.find((p) => p.pattern === 'user:role:*');
      expect(users?.hits).toBe(6);
    });
  });
});

describe('auditBatching', () => {
  const single = /INSERT INTO policy_decision_logs .* VALUES \(\$1/s;
  const batched = /INSERT INTO policy_decision_logs .*unnest/s;
  it('false: one INSERT per decision, inside the request', async () => {
    await withServer('baseline', {}, async (s) => {
      for (let i = 0; i < 12; i++) await evaluate(s, { user_id: 'user-2', tool_id: 'tool-1', action: 'invoke' });
      const report = await profilingReport(s.url);
      expect(queriesLike(report, single)).toBe(12);
      expect(queriesLike(report, batched)).toBe(0);
      expect(report.call_tree.find((n) => n.name === 'http_request')?.children.some((c) => c.name === 'log_decision')).toBe(true);
    });
  });
  it('true: rows are buffered and written in multi-row INSERTs of auditBatchSize', async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      await withServer('baseline', { auditBatching: true, auditBatchSize: 10, auditFlushMs: 60_000 }, async (s) => {
        const before = Number((await c.query('SELECT count(*) AS n FROM sark_embedded.policy_decision_logs')).rows[0].n);
        for (let i = 0; i < 25; i++) await evaluate(s, { user_id: 'user-2', tool_id: 'tool-1', action: 'list' });
        await s.quiesce(); // stops HTTP and writes the last partial batch
        const after = Number((await c.query('SELECT count(*) AS n FROM sark_embedded.policy_decision_logs')).rows[0].n);
        expect(after - before).toBe(25);
        const r = s.instrumentation.report();
        expect(r).not.toBeNull();
        expect(queriesLike(r as PerformanceReport, single)).toBe(0);
        expect(queriesLike(r as PerformanceReport, batched)).toBe(3);
      });
    } finally {
      await c.end();
    }
  });
});

describe('separateAuditPool', () => {
  it('audit rows are written on their own connections, never the policy pool', async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      for (const separate of [false, true]) {
        await withServer('baseline', { separateAuditPool: separate }, async (s) => {
          for (let i = 0; i < 5; i++) await evaluate(s, { user_id: 'user-2', tool_id: 'tool-1', action: 'invoke' });
          const apps = await c.query<{ application_name: string }>(
            "SELECT DISTINCT application_name FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'sark-%'",
          );
          const names = apps.rows.map((r) => r.application_name).sort();
          expect(names).toEqual(separate ? ['sark-audit', 'sark-policy'] : ['sark-policy']);
          const report = await profilingReport(s.url);
          expect(report.pool?.size).toBe(20);
        });
      }
    } finally {
      await c.end();
    }
  });
});

describe('poolSize / maxOverflow', () => {
  it('the pool section reports the configured base size and overflow', async () => {
    await withServer('baseline', { poolSize: 7, maxOverflow: 3 }, async (s) => {
      await evaluate(s, { user_id: 'user-2', tool_id: 'tool-1', action: 'invoke' });
      const report = await profilingReport(s.url);
      expect(report.pool).toMatchObject({ size: 7, max_overflow: 3 });
    });
    await withServer('optimized', {}, async (s) => {
      await evaluate(s, { user_id: 'user-2', tool_id: 'tool-1', action: 'invoke' });
      expect((await profilingReport(s.url)).pool).toMatchObject({ size: 30, max_overflow: 15 });
    });
  });
});

describe('redisPipelining (batch evaluate)', () => {
  const batch = { requests: Array.from({ length: 8 }, (_, i) => ({ user_id: 'user-9', tool_id: `tool-${i + 20}`, action: 'invoke' })) };
  it('false: one cache round trip per request; true: one per batch', async () => {
    for (const pipelined of [false, true]) {
      await withServer('baseline', { redisPipelining: pipelined }, async (s) => {
        expect((await postJson(s.url, '/api/v1/policy/evaluate/batch', batch)).status).toBe(200);
        const report = await profilingReport(s.url);
        expect(fnCalls(report, 'get_cached_decision')).toBe(pipelined ? 1 : 8);
        expect(fnCalls(report, 'cache_decision')).toBe(pipelined ? 1 : 8);
        const decisions = report.cache.by_pattern.find((p) => p.pattern === 'policy:user:*');
        expect(decisions?.misses).toBe(8);
      });
    }
  });
});

describe('prewarm', () => {
  it('true: hot pairs are cached before the first request, and startup work is not in the profile', async () => {
    const hot = desc.hotPairs[0];
    for (const prewarm of [false, true]) {
      await withServer('baseline', { prewarm }, async (s) => {
        expect(s.prewarmed).toBe(prewarm ? desc.hotPairs.length + desc.criticalPairs.length : 0);
        expect((await profilingReport(s.url)).queries.total_queries).toBe(0);
        expect((await evaluate(s, { ...hot })).cached).toBe(prewarm);
      });
    }
  });
});

describe('staleWhileRevalidate', () => {
  it('true: a critical decision past its TTL is still served and refreshed in the background', async () => {
    const tool = desc.criticalTools[0];
    const req = { user_id: 'user-7', tool_id: tool, action: 'invoke' };
    for (const swr of [false, true]) {
      await withServer('baseline', { staleWhileRevalidate: swr, criticalTtlS: 3 }, async (s) => {
        expect((await evaluate(s, req)).cached).toBe(false);
        // Past the 3 s TTL, inside SWR's one-TTL grace (generous on a loaded machine).
        await new Promise((r) => setTimeout(r, 3500));
        expect((await evaluate(s, req)).cached).toBe(swr);
        if (swr) {
          await expect.poll(async () => fnCalls(await profilingReport(s.url), 'revalidate_decision'), { timeout: 10_000 }).toBe(1);
        }
      });
    }
  });
});

describe('injectLatencyMs', () => {
  it('adds that much to every evaluation', async () => {
    await withServer('baseline', { injectLatencyMs: 40 }, async (s) => {
      for (let i = 0; i < 3; i++) await evaluate(s, { user_id: 'user-2', tool_id: 'tool-1', action: 'invoke' });
      const f = (await profilingReport(s.url)).functions.find((x) => x.name === 'evaluate_policy');
      expect(f?.calls).toBe(3);
      expect((f?.total_ms ?? 0) / 3).toBeGreaterThanOrEqual(39);
    });
  });
});
