import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { LoadGenerator, type SecondStats, type TraceRecord } from '../../../core/load/index.js';
import { json, startServer, type TestServer } from './servers.js';

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

describe('open model', () => {
  it('sends exactly the scheduled arrivals and measures from the intended start (no coordinated omission)', async () => {
    // One response, the first after ~1 s, is held for 500 ms. With a single connection every
    // request scheduled meanwhile queues behind it: their latency must include that wait.
    const STALL_MS = 500;
    let firstMs: number | null = null;
    let stalled = false;
    const srv = await startServer((_req, res) => {
      const now = performance.now();
      firstMs ??= now;
      if (!stalled && now - firstMs >= 1000) {
        stalled = true;
        setTimeout(() => json(res, 200, { allow: true }), STALL_MS);
        return;
      }
      json(res, 200, { allow: true });
    });
    servers.push(srv);
    const gen = new LoadGenerator({ target: srv.url, rate: 100, durationS: 3, connections: 1, seed: 4 });
    const trace: TraceRecord[] = [];
    const seconds: SecondStats[] = [];
    gen.on('trace', (b) => trace.push(...b));
    gen.on('second', (s) => seconds.push(s));
    const totals = await gen.run();

    // The rate is kept: 100/s for 3 s is 300 arrivals, the stall notwithstanding.
    expect(totals.requests).toBe(300);
    expect(seconds.reduce((n, s) => n + s.requests, 0)).toBe(300);
    expect(trace.map((r) => r.t_offset_ms)).toEqual(trace.map((_r, i) => i * 10));

    const held = trace.find((r) => r.latency_ms >= STALL_MS - 1);
    expect(held).toBeDefined();
    const t0 = (held as TraceRecord).t_offset_ms;
    const doneAt = t0 + (held as TraceRecord).latency_ms;
    const behind = trace.filter((r) => r.t_offset_ms > t0 && r.t_offset_ms < doneAt);
    expect(behind.length).toBeGreaterThanOrEqual(40); // ~50 arrivals in 500 ms at 100/s
    for (const r of behind) {
      // It could not complete before the held one: at least the rest of the stall, from its intended start.
      expect(r.latency_ms).toBeGreaterThanOrEqual(doneAt - r.t_offset_ms - 1);
    }
    // So the distribution shows the stall: at least a tenth of all requests took >= 100 ms.
    expect(trace.filter((r) => r.latency_ms >= 100).length).toBeGreaterThanOrEqual(30);
  });

  it('ramps the arrival rate linearly: half the full-rate arrivals during the ramp', async () => {
    const srv = await startServer((_req, res) => json(res, 200, {}));
    servers.push(srv);
    const gen = new LoadGenerator({ target: srv.url, rate: 200, rampUpS: 1, durationS: 1 });
    const trace: TraceRecord[] = [];
    gen.on('trace', (b) => trace.push(...b));
    const totals = await gen.run();
    expect(totals.requests).toBe(100 + 200);
    expect(trace.filter((r) => r.t_offset_ms < 1000)).toHaveLength(100);
    expect(totals.model).toBe('open');
  });
});
