import { afterEach, describe, expect, it } from 'vitest';
import { LoadGenerator, replaySource, type RecordedRequest, type TraceRecord } from '../../../core/load/index.js';
import { recordingServer, type TestServer } from './servers.js';

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

/** Records a short session against its own server and returns its trace. */
async function recordTrace(extra: Record<string, unknown>): Promise<TraceRecord[]> {
  const srv = await recordingServer();
  servers.push(srv);
  const gen = new LoadGenerator({ target: srv.url, seed: 77, ...extra });
  const trace: TraceRecord[] = [];
  gen.on('trace', (b) => trace.push(...b));
  await gen.run();
  return trace;
}

const asSent = (r: { method: string; path: string; body: string | null }) => ({ method: r.method, path: r.path, body: r.body ?? '' });

describe('replay', () => {
  it('as fast as possible: the same requests, in the same order', async () => {
    const original = await recordTrace({ users: 4, durationS: 1 });
    expect(original.length).toBeGreaterThan(50);
    const target = await recordingServer();
    servers.push(target);
    // One user, so the server's arrival order is the send order.
    const gen = new LoadGenerator({ target: target.url, users: 1 }, { source: replaySource(original, { asFastAsPossible: true }) });
    const replayed: TraceRecord[] = [];
    gen.on('trace', (b) => replayed.push(...b));
    const totals = await gen.run();
    expect(totals.model).toBe('replay-fast');
    expect(totals.reason).toBe('completed');
    expect(totals.requests).toBe(original.length);
    expect(target.received).toEqual(original.map(asSent));
    expect(replayed.map((r) => [r.seq, r.kind, r.path, r.body])).toEqual(original.map((r) => [r.seq, r.kind, r.path, r.body]));
  });

  it('at the recorded pacing: each request keeps its intended start', async () => {
    const original = await recordTrace({ rate: 150, durationS: 1 });
    const target = await recordingServer();
    servers.push(target);
    // Streamed, as the recorder reads it from the store.
    async function* rows(): AsyncGenerator<RecordedRequest> {
      for (const r of original) yield { seq: r.seq, t_offset_ms: r.t_offset_ms, kind: r.kind, method: r.method, path: r.path, body: r.body };
    }
    const gen = new LoadGenerator({ target: target.url, connections: 1 }, { source: replaySource(rows()) });
    const replayed: TraceRecord[] = [];
    gen.on('trace', (b) => replayed.push(...b));
    const totals = await gen.run();
    expect(totals.model).toBe('replay-paced');
    expect(totals.requests).toBe(150);
    expect(target.received).toEqual(original.map(asSent));
    expect(replayed.map((r) => r.t_offset_ms)).toEqual(original.map((r) => r.t_offset_ms));
    expect(totals.duration_s).toBeGreaterThanOrEqual(original.at(-1)!.t_offset_ms / 1000);
  });

  it('a malformed recorded row fails the run with a clear error', async () => {
    const target = await recordingServer();
    servers.push(target);
    const bad = [{ seq: 0, t_offset_ms: 0, kind: 'weird', method: 'GET', path: '/', body: null }] as unknown as RecordedRequest[];
    const gen = new LoadGenerator({ target: target.url, users: 1 }, { source: replaySource(bad, { asFastAsPossible: true }) });
    await expect(gen.run()).rejects.toThrow(/replay request 0: unknown kind 'weird'/);
  });
});
