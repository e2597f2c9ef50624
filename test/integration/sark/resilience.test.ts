import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EvaluationResult } from '../../../core/sark/decision-steps.js';
import { startSarkServer } from '../../../core/sark/server.js';
import { NO_LOG, SMALL_SIZES, createTestDatabase, freePort, getJson, postJson, startThrowawayRedis } from './helpers.js';

/**
 * Dependencies going away: requests get 503 with a JSON error, quickly (no hanging request),
 * and the server recovers by itself when the dependency returns. Uses a throwaway Redis and a
 * throwaway Postgres cluster (the shared services are never stopped).
 */

/** Bounds "quickly": the client timeouts are 1-2 s; this leaves room for a loaded machine without allowing a hang. */
const NO_HANG_MS = 15_000;

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

describe('Redis going away', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('gives 503 while it is down and recovers after it restarts', async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const redis = await startThrowawayRedis();
    cleanups.push(() => redis.stop());
    const server = await startSarkServer({ profile: 'optimized', pgUrl: db.url, redisUrl: redis.url, sizes: SMALL_SIZES, log: NO_LOG });
    cleanups.push(() => server.close());
    const req = { user_id: 'user-1', tool_id: 'tool-1', action: 'invoke' };
    expect((await postJson(server.url, '/api/v1/policy/evaluate', req)).status).toBe(200);

    await redis.stop();
    const down = await timed(() => postJson<{ error: string }>(server.url, '/api/v1/policy/evaluate', req));
    expect(down.value.status).toBe(503);
    expect(down.value.body.error).toMatch(/^redis unavailable/);
    expect(down.ms).toBeLessThan(NO_HANG_MS);
    const health = await getJson<{ status: string; cache: { status: string } }>(server.url, '/health');
    expect(health.status).toBe(503);
    expect(health.body.cache.status).toMatch(/^down/);

    await redis.start();
    await expect
      .poll(async () => (await postJson<EvaluationResult>(server.url, '/api/v1/policy/evaluate', req)).status, { timeout: 30_000, interval: 250 })
      .toBe(200);
    expect((await getJson(server.url, '/health')).status).toBe(200);
  });
});

/** initdb refuses to run as root: as root, run the cluster as the `postgres` user. */
function asClusterOwner(cmd: string, args: string[]) {
  const root = process.getuid?.() === 0;
  return root ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8' }) : spawnSync(cmd, args, { encoding: 'utf8' });
}

describe('Postgres going away', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sark-pg-'));
  if (process.getuid?.() === 0) spawnSync('chown', ['postgres', dir]);
  let port = 0;
  const pgCtl = (...args: string[]) => asClusterOwner('pg_ctl', ['-D', join(dir, 'data'), ...args]);
  afterAll(() => {
    pgCtl('stop', '-m', 'immediate');
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives 503 while it is down and recovers after it restarts', async () => {
    port = await freePort();
    const init = asClusterOwner('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
    expect(init.status, init.stderr).toBe(0);
    const start = () => pgCtl('start', '-w', '-l', join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`);
    expect(start().status).toBe(0);
    const server = await startSarkServer({ profile: 'baseline', pgUrl: `postgres://postgres@127.0.0.1:${port}/postgres`, sizes: SMALL_SIZES, log: NO_LOG });
    try {
      const miss = (n: number) => ({ user_id: `user-${n}`, tool_id: 'tool-2', action: 'invoke' });
      expect((await postJson(server.url, '/api/v1/policy/evaluate', miss(1))).status).toBe(200);

      expect(pgCtl('stop', '-m', 'immediate').status).toBe(0);
      const down = await timed(() => postJson<{ error: string }>(server.url, '/api/v1/policy/evaluate', miss(2)));
      expect(down.value.status).toBe(503);
      expect(down.value.body.error).toMatch(/^postgres unavailable/);
      expect(down.ms).toBeLessThan(NO_HANG_MS);
      expect((await getJson(server.url, '/health')).status).toBe(503);

      expect(start().status).toBe(0);
      let n = 3;
      await expect
        .poll(async () => (await postJson(server.url, '/api/v1/policy/evaluate', miss(n++))).status, { timeout: 30_000, interval: 250 })
        .toBe(200);
    } finally {
      await server.close();
    }
  });
});
