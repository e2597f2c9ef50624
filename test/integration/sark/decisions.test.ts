import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSarkServer, type RunningSarkServer } from '../../../core/sark/server.js';
import { datasetServer, datasetTool, datasetUser, resolveDataset, type Sensitivity } from '../../../core/sark/dataset.js';
import type { EvaluationRequest, EvaluationResult } from '../../../core/sark/decision-steps.js';
import { NO_LOG, SHARED_REDIS_URL, SMALL_SIZES, createTestDatabase, expectedAllow, postJson } from './helpers.js';

/**
 * Decisions on the real Postgres and Redis (DB 2 of the shared server; this is the only file
 * that uses it): right for each sensitivity rule, in both profiles, single and batch, fresh
 * and cached; TTLs by sensitivity as Redis reports them; and the seeded rows are exactly what
 * describeDataset() predicts without a database.
 */

const ds = resolveDataset({ sizes: SMALL_SIZES, storage: 'postgres' });
let db: { url: string; drop(): Promise<void> };
let redis: Redis;

/** A spread of requests over every sensitivity, members and outsiders, roles, MFA or not. */
function sampleRequests(): EvaluationRequest[] {
  const out: EvaluationRequest[] = [];
  const bySens = new Map<Sensitivity, number[]>();
  for (let t = 1; t <= ds.sizes.tools; t++) {
    const s = datasetTool(ds, t).sensitivity;
    bySens.set(s, [...(bySens.get(s) ?? []), t]);
  }
  for (const [, tools] of bySens) {
    for (const t of tools.slice(0, 6)) {
      const tool = datasetTool(ds, t);
      // Users in one of the tool's teams, and users not in them; every role.
      const members: number[] = [];
      const others: number[] = [];
      for (let u = 1; u <= ds.sizes.users && (members.length < 4 || others.length < 2); u++) {
        const user = datasetUser(ds, u);
        (user.teams.some((x) => tool.teams.includes(x)) ? members : others).push(u);
      }
      for (const u of [...members.slice(0, 4), ...others.slice(0, 2)]) {
        out.push({ user_id: `user-${u}`, tool_id: tool.id, action: 'invoke' });
        if (tool.sensitivity === 'critical') out.push({ user_id: `user-${u}`, tool_id: tool.id, action: 'invoke', context: { mfa: true } });
      }
    }
  }
  // Admins on critical tools with and without MFA.
  const admins = Array.from({ length: ds.sizes.users }, (_, i) => datasetUser(ds, i + 1)).filter((u) => u.role === 'admin' && u.active);
  for (const t of (bySens.get('critical') ?? []).slice(0, 3)) {
    for (const a of admins.slice(0, 3)) {
      out.push({ user_id: a.id, tool_id: `tool-${t}`, action: 'read', context: { mfa: true } });
      out.push({ user_id: a.id, tool_id: `tool-${t}`, action: 'read', context: { mfa: false } });
    }
  }
  for (let s = 1; s <= 4; s++) {
    out.push({ user_id: 'user-1', server_id: `server-${s}`, action: 'connect' });
    out.push({ user_id: admins[0]?.id ?? 'user-1', server_id: `server-${s}`, action: 'manage' });
  }
  out.push({ user_id: 'user-2', tool_id: 'tool-1', action: 'delete' });
  return out;
}

beforeAll(async () => {
  db = await createTestDatabase();
  redis = new Redis(SHARED_REDIS_URL);
});

afterAll(async () => {
  redis?.disconnect();
  await db?.drop();
});

describe.each(['baseline', 'optimized'] as const)('decisions (%s, Postgres + Redis)', (profile) => {
  let server: RunningSarkServer;
  const requests = sampleRequests();

  beforeAll(async () => {
    server = await startSarkServer({ profile, pgUrl: db.url, redisUrl: SHARED_REDIS_URL, sizes: SMALL_SIZES, log: NO_LOG });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('decides every sample request as the rules say, fresh then from the cache', async () => {
    expect(requests.some((r) => expectedAllow(ds, r))).toBe(true);
    expect(requests.some((r) => !expectedAllow(ds, r))).toBe(true);
    for (const pass of [false, true]) {
      for (const req of requests) {
        const r = await postJson<EvaluationResult>(server.url, '/api/v1/policy/evaluate', req);
        expect(r.status).toBe(200);
        expect({ req, allow: r.body.allow }).toEqual({ req, allow: expectedAllow(ds, req) });
        expect(r.body.reason).toMatch(r.body.allow ? /^allowed by / : /^denied/);
        // The first pass may already hit in optimized (prewarm); the second always does.
        if (pass || profile === 'baseline') expect(r.body.cached).toBe(pass);
      }
    }
  });

  it('answers a batch the same way, in order', async () => {
    const batch = requests.slice(0, 40).map((r) => ({ ...r, action: r.action === 'invoke' ? 'list' : r.action }));
    const r = await postJson<{ results: EvaluationResult[] }>(server.url, '/api/v1/policy/evaluate/batch', { requests: batch });
    expect(r.status).toBe(200);
    expect(r.body.results.map((x) => x.allow)).toEqual(batch.map((q) => expectedAllow(ds, q)));
  });

  it('denies unknown users, tools and servers with a reason (200, not 500) and does not cache them', async () => {
    for (const [req, what] of [
      [{ user_id: 'user-999999', tool_id: 'tool-1', action: 'invoke' }, 'user'],
      [{ user_id: 'user-1', tool_id: 'tool-999999', action: 'invoke' }, 'tool'],
      [{ user_id: 'user-1', server_id: 'server-999999', action: 'connect' }, 'server'],
    ] as const) {
      for (let i = 0; i < 2; i++) {
        const r = await postJson<EvaluationResult>(server.url, '/api/v1/policy/evaluate', req);
        expect(r.status).toBe(200);
        expect(r.body).toEqual({ allow: false, reason: expect.stringContaining(`unknown ${what}`), cached: false });
      }
    }
  });
});

describe('TTLs in Redis', () => {
  it('follow the sensitivity (public 300 s, internal 120 s, confidential 60 s, critical criticalTtlS)', async () => {
    const server = await startSarkServer({ profile: 'baseline', knobs: { criticalTtlS: 45 }, pgUrl: db.url, redisUrl: SHARED_REDIS_URL, sizes: SMALL_SIZES, log: NO_LOG });
    try {
      const expected: Record<Sensitivity, number> = { public: 300, internal: 120, confidential: 60, critical: 45 };
      for (const s of Object.keys(expected) as Sensitivity[]) {
        const tool = Array.from({ length: ds.sizes.tools }, (_, i) => datasetTool(ds, i + 1)).find((t) => t.sensitivity === s);
        expect(tool, s).toBeDefined();
        await postJson(server.url, '/api/v1/policy/evaluate', { user_id: 'user-5', tool_id: tool?.id, action: 'invoke' });
        const ttl = await redis.ttl(`policy:user-5:${tool?.id}:invoke`);
        expect(ttl, s).toBeGreaterThan(expected[s] - 5);
        expect(ttl, s).toBeLessThanOrEqual(expected[s]);
      }
    } finally {
      await server.close();
    }
  });

  it('adaptive TTL shortens rarely asked keys; SWR keeps critical entries one extra TTL (optimized)', async () => {
    const server = await startSarkServer({ profile: 'optimized', knobs: { prewarm: false }, pgUrl: db.url, redisUrl: SHARED_REDIS_URL, sizes: SMALL_SIZES, log: NO_LOG });
    try {
      const tools = Array.from({ length: ds.sizes.tools }, (_, i) => datasetTool(ds, i + 1));
      const pub = tools.find((t) => t.sensitivity === 'public');
      const crit = tools.find((t) => t.sensitivity === 'critical');
      await postJson(server.url, '/api/v1/policy/evaluate', { user_id: 'user-6', tool_id: pub?.id, action: 'invoke' });
      await postJson(server.url, '/api/v1/policy/evaluate', { user_id: 'user-6', tool_id: crit?.id, action: 'invoke' });
      // One access in the last hour: x0.75 of 300 s.
      const pubTtl = await redis.ttl(`policy:user-6:${pub?.id}:invoke`);
      expect(pubTtl).toBeGreaterThan(220);
      expect(pubTtl).toBeLessThanOrEqual(225);
      // criticalTtlS 60 fresh + 60 servable while revalidating.
      const critTtl = await redis.ttl(`policy:user-6:${crit?.id}:invoke`);
      expect(critTtl).toBeGreaterThan(115);
      expect(critTtl).toBeLessThanOrEqual(120);
    } finally {
      await server.close();
    }
  });
});

describe('seeded rows', () => {
  it('are exactly what describeDataset() predicts (same hash in SQL and JavaScript)', async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const tools = await c.query<{ id: string; server_id: string; team_ids: string[]; level: string }>(
        `SELECT t.id, t.server_id, t.team_ids,
           (SELECT sensitivity_level FROM sark_embedded.tool_sensitivity_classifications c WHERE c.tool_id = t.id ORDER BY updated_at DESC LIMIT 1) AS level
         FROM sark_embedded.tools t`,
      );
      expect(tools.rows).toHaveLength(ds.sizes.tools);
      for (const r of tools.rows) {
        const t = datasetTool(ds, Number(r.id.slice(5)));
        expect({ id: r.id, server: r.server_id, teams: r.team_ids, s: r.level }).toEqual({ id: t.id, server: t.serverId, teams: t.teams, s: t.sensitivity });
      }
      const users = await c.query<{ id: string; active: boolean; role: string; teams: string[] }>(
        `SELECT u.id, u.active, r.role,
           ARRAY(SELECT team_id FROM sark_embedded.user_team_memberships m WHERE m.user_id = u.id ORDER BY substr(team_id, 6)::int) AS teams
         FROM sark_embedded.users u JOIN sark_embedded.user_roles r ON r.user_id = u.id`,
      );
      expect(users.rows).toHaveLength(ds.sizes.users);
      for (const r of users.rows) {
        const u = datasetUser(ds, Number(r.id.slice(5)));
        expect({ id: r.id, active: r.active, role: r.role, teams: r.teams }).toEqual({ id: u.id, active: u.active, role: u.role, teams: u.teams });
      }
      const servers = await c.query<{ id: string; owner_team_id: string; sensitivity_level: string }>('SELECT * FROM sark_embedded.mcp_servers');
      for (const r of servers.rows) {
        const s = datasetServer(ds, Number(r.id.slice(7)));
        expect({ owner: r.owner_team_id, s: r.sensitivity_level }).toEqual({ owner: s.ownerTeam, s: s.sensitivity });
      }
      const audit = await c.query<{ n: string }>('SELECT count(*) AS n FROM sark_embedded.policy_decision_logs WHERE id <= $1', [ds.sizes.auditRows]);
      expect(Number(audit.rows[0]?.n)).toBe(ds.sizes.auditRows);
      // Nothing outside our schema was created.
      const other = await c.query(`SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN ('sark_embedded', 'pg_catalog', 'information_schema')`);
      expect(other.rows).toEqual([]);
    } finally {
      await c.end();
    }
  });
});
