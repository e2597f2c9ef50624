import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startBackend, type Backend } from '../../../core/api/backend.js';
import { openStore, type Store } from '../../../core/store/index.js';
import { makeReport } from '../../fixtures/report.js';

let store: Store;
let backend: Backend;

beforeAll(async () => {
  store = openStore(':memory:');
  backend = await startBackend({ store, rendererDir: null });
});
afterAll(async () => {
  await backend.close();
  store.close();
});

function connect(opts: { token?: string | null; origin?: string } = {}): Promise<WebSocket> {
  const token = opts.token === undefined ? backend.token : opts.token;
  const url = `ws://127.0.0.1:${backend.port}/api${token === null ? '' : `?token=${token}`}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, opts.origin ? { origin: opts.origin } : {});
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

let nextId = 1;
function call(ws: WebSocket, method: string, params?: unknown, raw?: string): Promise<{ result?: unknown; error?: { message: string } }> {
  const id = nextId++;
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const msg = JSON.parse(data.toString()) as { id?: number | null; result?: unknown; error?: { message: string } };
      if (msg.id === id || (raw !== undefined && msg.id === null)) {
        ws.off('message', onMessage);
        resolve(msg);
      }
    };
    ws.on('message', onMessage);
    ws.send(raw ?? JSON.stringify({ id, method, params }));
  });
}

describe('backend API', () => {
  it('refuses connections without the token, with a wrong token, or from another origin', async () => {
    await expect(connect({ token: null })).rejects.toThrow('HTTP 401');
    await expect(connect({ token: 'x'.repeat(64) })).rejects.toThrow('HTTP 401');
    await expect(connect({ origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
    const ok = await connect({ origin: `http://127.0.0.1:${backend.port}` });
    ok.close();
  });

  it('accepts the token as a WebSocket subprotocol, keeping it out of the URL', async () => {
    const viaProtocol = await new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${backend.port}/api`, ['sark-workbench', `token.${backend.token}`]);
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
    expect(viaProtocol.protocol).toBe('sark-workbench');
    expect(Array.isArray((await call(viaProtocol, 'sessions/list', {})).result)).toBe(true);
    viaProtocol.close();
    await expect(
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${backend.port}/api`, ['sark-workbench', 'token.wrong']);
        ws.once('open', resolve);
        ws.once('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      }),
    ).rejects.toThrow('HTTP 401');
  });

  it('answers malformed requests with an error and keeps serving', async () => {
    const ws = await connect();
    expect((await call(ws, '', undefined, 'not json')).error?.message).toMatch(/not JSON/);
    expect((await call(ws, '', undefined, '{"method":"sessions/list"}')).error?.message).toMatch(/"id" must be an integer/);
    expect((await call(ws, 'sessions/drop_all')).error?.message).toMatch(/unknown method/);
    expect((await call(ws, 'sessions/get', { id: 42 })).error?.message).toMatch(/invalid params for sessions\/get: id/);
    expect((await call(ws, 'sessions/get', { id: 'nope' })).error?.message).toBe('no session "nope"');
    expect((await call(ws, 'recording/start', { target: { kind: 'external', targetUrl: 'not a url' } })).error?.message).toMatch(/not a URL/);
    expect((await call(ws, 'sessions/import', { content: '{"schema_version": 1' })).error?.message).toMatch(/truncated or invalid JSON/);
    // Still serving.
    expect(Array.isArray((await call(ws, 'sessions/list', {})).result)).toBe(true);
    ws.close();
  });

  it('imports, lists, reads, compares and exports sessions', async () => {
    const ws = await connect();
    const a = (await call(ws, 'sessions/import', { filename: 'a.json', content: JSON.stringify(makeReport({ run: { seed: 1 } })) })).result as { id: string };
    const b = (await call(ws, 'sessions/import', { filename: 'b.json', content: JSON.stringify(makeReport({ run: { seed: 2, p50: 20, p95: 90, p99: 120 } })) })).result as { id: string };
    const list = (await call(ws, 'sessions/list', {})).result as Array<{ id: string; source: string }>;
    expect(list.map((s) => s.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    const report = (await call(ws, 'sessions/get', { id: a.id })).result as { session: { id: string }; queries: { by_fingerprint: unknown[] } };
    expect(report.session.id).toBe(a.id);
    expect(report.queries.by_fingerprint.length).toBeGreaterThan(0);
    const cmp = (await call(ws, 'sessions/compare', { baseline: a.id, candidate: b.id })).result as { verdict: string };
    expect(cmp.verdict).toBe('regressed');
    const md = (await call(ws, 'sessions/export', { id: a.id, format: 'markdown' })).result as { filename: string; content: string };
    expect(md.filename).toMatch(/\.md$/);
    expect(md.content).toContain('Critical metrics');
    const prof = (await call(ws, 'sessions/export', { id: a.id, format: 'cpuprofile' })).result as { content: string };
    expect(JSON.parse(prof.content).nodes.length).toBeGreaterThan(1);
    const del = (await call(ws, 'sessions/delete', { ids: [b.id] })).result as { deleted: number };
    expect(del.deleted).toBe(1);
    ws.close();
  });

  it('describes the embedded server knobs with both profiles', async () => {
    const ws = await connect();
    const d = (await call(ws, 'embedded/describe', {})).result as { profiles: string[]; knobs: Array<{ name: string; defaults: Record<string, unknown> }> };
    expect(d.profiles).toEqual(['baseline', 'optimized']);
    expect(d.knobs.find((k) => k.name === 'poolSize')?.defaults).toEqual({ baseline: 20, optimized: 30 });
    ws.close();
  });

  it('tests connections and reports what fails, one line each', async () => {
    const ws = await connect();
    const r = (await call(ws, 'targets/test', { targetUrl: 'http://127.0.0.1:9', pg: 'postgres://postgres@127.0.0.1:5432/test', redis: 'redis://127.0.0.1:1' })).result as Record<string, { ok: boolean; message: string }>;
    expect(r.target?.ok).toBe(false);
    expect(r.target?.message).toMatch(/connection refused/);
    expect(r.pg?.ok).toBe(true);
    expect(r.redis?.ok).toBe(false);
    expect(r.redis?.message).toMatch(/127\.0\.0\.1:1/);
    ws.close();
  });
});
