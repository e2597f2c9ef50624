import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecisionCache } from '../../../core/sark/cache/decision-cache.js';
import { MemoryCacheBackend } from '../../../core/sark/cache/memory-backend.js';
import { createInstrumentation } from '../../../core/sark/instrumentation.js';
import { invalidate, type InvalidationRequest } from '../../../core/sark/invalidation.js';
import { startSarkServer, type RunningSarkServer } from '../../../core/sark/server.js';
import { NO_LOG, SMALL_SIZES, createTestDatabase, postJson, profilingReport, startThrowawayRedis } from './helpers.js';

/**
 * Invalidation by trigger removes exactly the keys the change makes wrong, and only those, and
 * is recorded under its trigger. Checked against the Redis keyspace itself (a throwaway Redis:
 * the test lists every key), and through the server for the in-process cache.
 */

let db: { url: string; drop(): Promise<void> };
let redis: Awaited<ReturnType<typeof startThrowawayRedis>>;
let client: Redis;
let server: RunningSarkServer;

const users = ['user-1', 'user-2', 'user-11'];
const tools = ['tool-1', 'tool-2', 'tool-12'];

async function warm(): Promise<void> {
  const requests = [
    ...users.flatMap((u) => tools.map((t) => ({ user_id: u, tool_id: t, action: 'invoke' }))),
    ...users.map((u) => ({ user_id: u, server_id: 'server-1', action: 'connect' })),
    { user_id: 'user-1', tool_id: 'tool-1', action: 'invoke', context: { mfa: true } },
  ];
  for (const r of requests) expect((await postJson(server.url, '/api/v1/policy/evaluate', r)).status).toBe(200);
}

async function keys(): Promise<string[]> {
  return (await client.keys('*')).sort();
}

beforeAll(async () => {
  db = await createTestDatabase();
  redis = await startThrowawayRedis();
  client = new Redis(redis.url);
  // userRoleInCache and the metadata and team caches on, so user:role:*, sensitivity:* and team:membership:* keys exist too.
  server = await startSarkServer({ profile: 'optimized', knobs: { prewarm: false }, pgUrl: db.url, redisUrl: redis.url, sizes: SMALL_SIZES, log: NO_LOG });
});

afterAll(async () => {
  await server?.close();
  client?.disconnect();
  await redis?.stop();
  await db?.drop();
});

const cases: [string, InvalidationRequest, (k: string) => boolean][] = [
  ['user_role_change', { trigger: 'user_role_change', user_id: 'user-1' }, (k) => /^policy:user-1:/.test(k) || /^policy:server-\d+:user-1:/.test(k) || k === 'user:role:user-1'],
  [
    'team_membership_update',
    { trigger: 'team_membership_update', user_id: 'user-1', team_id: 'team-3' },
    (k) => /^policy:user-1:/.test(k) || /^policy:server-\d+:user-1:/.test(k) || k === 'team:membership:user-1',
  ],
  ['tool_sensitivity_change', { trigger: 'tool_sensitivity_change', tool_id: 'tool-1' }, (k) => /^policy:user-\d+:tool-1:/.test(k) || k === 'sensitivity:tool-1'],
  ['policy_update', { trigger: 'policy_update' }, (k) => k.startsWith('policy:')],
  ['manual_flush', { trigger: 'manual_flush' }, () => true],
];

describe.each(cases)('%s (Redis)', (trigger, request, removed) => {
  it('removes exactly the keys it makes wrong and records the trigger', async () => {
    await client.flushdb(); // our own throwaway server
    await warm();
    const before = await keys();
    expect(before.some((k) => k.startsWith('user:role:'))).toBe(true);
    expect(before.some((k) => k.startsWith('sensitivity:'))).toBe(true);
    expect(before.some((k) => k.startsWith('team:membership:'))).toBe(true);
    const expectedGone = before.filter(removed);
    expect(expectedGone.length).toBeGreaterThan(0);
    const r = await postJson<{ trigger: string; keys_removed: number }>(server.url, '/api/v1/admin/invalidate', request);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ trigger, keys_removed: expectedGone.length });
    expect(await keys()).toEqual(before.filter((k) => !removed(k)));
    const inv = (await profilingReport(server.url)).cache.invalidations.find((i) => i.trigger === trigger);
    expect(inv?.count).toBeGreaterThanOrEqual(1);
    expect(inv?.keys_removed).toBeGreaterThanOrEqual(expectedGone.length);
  });
});

describe('in-process cache', () => {
  it('applies the same scheme: a role change removes only that user', async () => {
    const backend = new MemoryCacheBackend();
    await backend.setPipelined([
      { key: 'policy:user-1:tool-1:invoke', value: 'x', ttlS: 60 },
      { key: 'policy:server-2:user-1:connect', value: 'x', ttlS: 60 },
      { key: 'policy:user-11:tool-1:invoke', value: 'x', ttlS: 60 },
      { key: 'user:role:user-1', value: 'x', ttlS: 60 },
      { key: 'user:role:user-11', value: 'x', ttlS: 60 },
    ]);
    const off = createInstrumentation(false);
    const result = await invalidate(new DecisionCache(backend, off), off, { trigger: 'user_role_change', user_id: 'user-1' });
    expect(result.keys_removed).toBe(3);
    expect(await backend.getPipelined(['policy:user-11:tool-1:invoke', 'user:role:user-11', 'policy:user-1:tool-1:invoke'])).toEqual(['x', 'x', null]);
  });
});
