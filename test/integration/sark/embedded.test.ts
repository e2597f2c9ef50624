import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDataset, resolveDataset } from '../../../core/sark/dataset.js';
import type { EvaluationResult } from '../../../core/sark/decision-steps.js';
import { startSarkServer, type RunningSarkServer } from '../../../core/sark/server.js';
import { NO_LOG, SMALL_SIZES, expectedAllow, getJson, postJson } from './helpers.js';

/**
 * The embedded default: no Postgres URL, no Redis URL -> PGlite over the wire protocol and the
 * in-process TTL cache. Also the HTTP contract (400/404/405/413, /metrics, /health) and the
 * data dir's reuse and lock.
 */

const ds = resolveDataset({ sizes: SMALL_SIZES, storage: 'embedded' });
const desc = describeDataset({ sizes: SMALL_SIZES, storage: 'embedded' });
let home: string;
let dataDir: string;
let server: RunningSarkServer;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'sark-embedded-test-'));
  dataDir = join(home, 'embedded-pg', ds.key);
  server = await startSarkServer({ sizes: SMALL_SIZES, embeddedDataDir: dataDir, log: NO_LOG });
});

afterAll(async () => {
  await server?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('embedded default (PGlite + in-process cache)', () => {
  it('starts without Postgres or Redis URLs, seeded, bound to loopback', () => {
    expect(server.storage).toMatchObject({ kind: 'embedded', seeded: true, temporaryDataDir: false, dataDir });
    expect(server.cache.kind).toBe('memory');
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('decides by the rules, and serves repeats from the cache', async () => {
    const reqs = [
      ...desc.hotPairs.slice(0, 10),
      ...desc.criticalPairs.slice(0, 4),
      ...desc.criticalPairs.slice(0, 4).map((p) => ({ ...p, context: {} })),
      ...desc.toolsBySensitivity.internal.slice(0, 5).map((t) => ({ user_id: 'user-8', tool_id: t, action: 'read' })),
      ...desc.toolsBySensitivity.confidential.slice(0, 5).map((t) => ({ user_id: 'user-9', tool_id: t, action: 'read' })),
    ];
    for (const req of reqs) {
      const first = await postJson<EvaluationResult>(server.url, '/api/v1/policy/evaluate', req);
      expect({ req, allow: first.body.allow }).toEqual({ req, allow: expectedAllow(ds, req) });
    }
    const again = await postJson<EvaluationResult>(server.url, '/api/v1/policy/evaluate', reqs[0]);
    expect(again.body.cached).toBe(true);
  });

  it('answers bad requests with 400 and a JSON error', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['/api/v1/policy/evaluate', '{"user_id": ', /^malformed JSON/],
      ['/api/v1/policy/evaluate', '', /JSON object/],
      ['/api/v1/policy/evaluate', { user_id: 7, tool_id: 'tool-1', action: 'invoke' }, /^user_id: /],
      ['/api/v1/policy/evaluate', { user_id: 'user-1', action: 'invoke' }, /exactly one of tool_id and server_id/],
      ['/api/v1/policy/evaluate/batch', { requests: 'all' }, /^requests: /],
      ['/api/v1/admin/invalidate', { trigger: 'everything' }, /^trigger must be one of/],
    ];
    for (const [path, body, message] of cases) {
      const r = await postJson<{ error: string }>(server.url, path, body);
      expect({ path, status: r.status }).toEqual({ path, status: 400 });
      expect(r.body.error).toMatch(message);
    }
    const bad = await getJson<{ error: string }>(server.url, '/api/v1/audit/analytics?from=last-week');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^from must be an ISO 8601/);
  });

  it('answers unknown routes with 404, wrong methods with 405, huge bodies with 413', async () => {
    expect((await getJson(server.url, '/api/v1/nope')).status).toBe(404);
    expect((await getJson(server.url, '/api/v1/policy/evaluate')).status).toBe(405);
    const huge = await postJson<{ error: string }>(server.url, '/api/v1/policy/evaluate', { user_id: 'user-1', tool_id: 'tool-1', action: 'invoke', context: { pad: 'x'.repeat(100_000) } });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toMatch(/too large/);
  });

  it('serves /metrics (Prometheus text, seed names) and /health', async () => {
    const metrics = await fetch(`${server.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await metrics.text();
    for (const name of ['sark_policy_evaluation_duration_seconds_bucket', 'sark_policy_cache_hits_total', 'sark_db_connections_pool_size 20']) {
      expect(text).toContain(name);
    }
    const health = await getJson<{ status: string; postgres: { status: string }; cache: { status: string; kind: string } }>(server.url, '/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', postgres: { status: 'up' }, cache: { status: 'up', kind: 'memory' } });
  });

  it('returns a V8 CPU profile of itself over the requested time, and refuses a bad duration', async () => {
    const profile = getJson<{ nodes: Array<{ callFrame: { functionName: string } }>; samples: number[] }>(server.url, '/api/v1/admin/profiling/cpu?ms=300');
    for (let i = 0; i < 20; i++) await postJson(server.url, '/api/v1/policy/evaluate', desc.hotPairs[i % desc.hotPairs.length]);
    const got = await profile;
    expect(got.status).toBe(200);
    expect(got.body.nodes.length).toBeGreaterThan(1);
    expect(got.body.samples.length).toBeGreaterThan(0);
    expect((await getJson(server.url, '/api/v1/admin/profiling/cpu?ms=10')).status).toBe(400);
  });

  it('a second server on the locked data dir seeds a temporary one; a later start reuses the data', async () => {
    const second = await startSarkServer({ sizes: SMALL_SIZES, embeddedDataDir: dataDir, log: NO_LOG });
    try {
      expect(second.storage).toMatchObject({ temporaryDataDir: true, seeded: true });
      expect((await postJson<EvaluationResult>(second.url, '/api/v1/policy/evaluate', desc.hotPairs[0])).status).toBe(200);
    } finally {
      await second.close();
    }
    await server.close();
    server = await startSarkServer({ sizes: SMALL_SIZES, embeddedDataDir: dataDir, profiling: false, log: NO_LOG });
    expect(server.storage).toMatchObject({ temporaryDataDir: false, seeded: false, dataDir });
  });

  it('profiling: false runs the same server, with no profile to report', async () => {
    expect(server.profiling).toBe(false);
    const r = await postJson<EvaluationResult>(server.url, '/api/v1/policy/evaluate', desc.hotPairs[1]);
    expect(r.body.allow).toBe(expectedAllow(ds, desc.hotPairs[1] as never));
    const report = await getJson<{ error: string }>(server.url, '/api/v1/admin/profiling/report');
    expect(report.status).toBe(409);
    expect(report.body.error).toMatch(/profiling is disabled/);
  });
});
