import { afterEach, describe, expect, it } from 'vitest';
import { LoadGenerator, type LoadTotals, type TraceRecord } from '../../../core/load/index.js';
import { closedPort, json, startServer, type TestServer } from './servers.js';

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function run(target: string, extra: Record<string, unknown> = {}): Promise<{ totals: LoadTotals; trace: TraceRecord[] }> {
  const gen = new LoadGenerator({ target, users: 2, durationS: 1, ...extra });
  const trace: TraceRecord[] = [];
  gen.on('trace', (b) => trace.push(...b));
  const totals = await gen.run();
  // Nothing is dropped: every request sent is completed, as a success or a classified error.
  expect(totals.sent).toBe(totals.requests);
  expect(totals.succeeded + totals.error_count).toBe(totals.requests);
  expect(Object.values(totals.errors_by_class).reduce((a, b) => a + b, 0)).toBe(totals.error_count);
  expect(trace).toHaveLength(totals.requests);
  return { totals, trace };
}

describe('error classification', () => {
  it('counts 4xx and 5xx exactly as the server sent them', async () => {
    const sent = { 200: 0, 400: 0, 500: 0 };
    let n = 0;
    const srv = await startServer((_req, res) => {
      const status = ([200, 400, 500, 200] as const)[n++ % 4] as 200 | 400 | 500;
      sent[status]++;
      json(res, status, status === 200 ? { allow: true } : { error: 'no' });
    });
    servers.push(srv);
    const { totals, trace } = await run(srv.url);
    expect(totals.requests).toBe(n);
    expect(totals.errors_by_class.http_4xx).toBe(sent[400]);
    expect(totals.errors_by_class.http_5xx).toBe(sent[500]);
    expect(totals.succeeded).toBe(sent[200]);
    expect(trace.filter((r) => r.status === 500).every((r) => r.error_class === 'http_5xx' && r.latency_ms > 0)).toBe(true);
  });

  it('classifies a server that resets connections', async () => {
    const srv = await startServer((req) => req.socket.destroy());
    servers.push(srv);
    const { totals, trace } = await run(srv.url);
    expect(totals.requests).toBeGreaterThan(0);
    expect(totals.errors_by_class.connection_reset).toBe(totals.requests);
    expect(trace.every((r) => r.status === 0)).toBe(true);
  });

  it('classifies a closed port as connection_refused', async () => {
    const { totals } = await run(`http://127.0.0.1:${await closedPort()}`, { durationS: 0.5 });
    expect(totals.requests).toBeGreaterThan(0);
    expect(totals.errors_by_class.connection_refused).toBe(totals.requests);
  });

  it('classifies a request slower than timeoutMs as timeout, with its latency', async () => {
    const srv = await startServer(() => undefined); // never answers
    servers.push(srv);
    const { totals, trace } = await run(srv.url, { timeoutMs: 300, durationS: 1 });
    expect(totals.requests).toBeGreaterThanOrEqual(2);
    expect(totals.errors_by_class.timeout).toBe(totals.requests);
    expect(trace.every((r) => r.latency_ms >= 290)).toBe(true);
    expect(totals.latency_ms.min).toBeGreaterThanOrEqual(290);
  });

  it('stop() while requests hang: they are awaited up to timeoutMs, then counted as timeouts', async () => {
    const srv = await startServer(() => undefined);
    servers.push(srv);
    const gen = new LoadGenerator({ target: srv.url, users: 3, durationS: 60, timeoutMs: 800 });
    setTimeout(() => void gen.stop(), 200);
    const totals = await gen.run();
    expect(totals.reason).toBe('stopped');
    expect(totals.requests).toBe(3);
    expect(totals.errors_by_class.timeout).toBe(3);
  });
});
