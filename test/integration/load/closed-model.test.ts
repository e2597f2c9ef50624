import { afterEach, describe, expect, it } from 'vitest';
import { LoadGenerator, generateRequestSequence, type Phase, type SecondStats, type TraceRecord } from '../../../core/load/index.js';
import { concurrencyServer, recordingServer, type TestServer } from './servers.js';

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

describe('closed model', () => {
  it('ramps up to N concurrent users, as the server sees them', async () => {
    const srv = await concurrencyServer(100);
    servers.push(srv);
    const users = 6;
    const gen = new LoadGenerator({ target: srv.url, users, rampUpS: 3, durationS: 2, seed: 9 });
    const phases: Phase[] = [];
    const seconds: SecondStats[] = [];
    gen.on('phase', (p) => phases.push(p.phase));
    gen.on('second', (s) => seconds.push(s));
    const totals = await gen.run();

    expect(Math.max(...srv.arrivals.map((a) => a.concurrent))).toBe(users);
    // User i starts at i * 0.5 s: during the first second at most 2 users run (3 allowed for timer jitter).
    const early = srv.arrivals.filter((a) => a.tMs < 1000);
    expect(early.length).toBeGreaterThan(0);
    expect(Math.max(...early.map((a) => a.concurrent))).toBeLessThanOrEqual(3);
    expect(phases[0]).toBe('ramp-up');
    expect(phases).toContain('sustained');
    expect(phases.at(-1)).toBe('done');
    expect(Math.max(...seconds.map((s) => s.active_users))).toBe(users);
    expect(seconds[0]?.active_users).toBeLessThan(users);
    expect(totals.requests).toBe(srv.arrivals.length);
    expect(totals.sent).toBe(totals.requests);
  });

  it('counts every request and traces each one, in order, with the planned content', async () => {
    const srv = await recordingServer();
    servers.push(srv);
    const gen = new LoadGenerator({ target: srv.url, users: 4, durationS: 1.5, seed: 21 });
    const batches: TraceRecord[][] = [];
    gen.on('trace', (b) => batches.push(b));
    const totals = await gen.run();
    const trace = batches.flat();

    expect(totals.requests).toBeGreaterThan(50);
    expect(totals.sent).toBe(totals.requests);
    expect(totals.succeeded + totals.error_count).toBe(totals.requests);
    expect(totals.by_kind.reduce((n, k) => n + k.requests, 0)).toBe(totals.requests);
    expect(totals.latency_ms.count).toBe(totals.requests);
    expect(srv.received).toHaveLength(totals.requests);
    expect(trace.map((r) => r.seq)).toEqual([...Array(totals.requests).keys()]);
    // The trace is the deterministic sequence of this seed, as sent.
    const planned = generateRequestSequence(gen.config, totals.requests);
    expect(trace.map(({ seq, kind, method, path, body }) => ({ seq, kind, method, path, body }))).toEqual(planned);
    expect(trace.every((r) => r.status === 200 && r.error_class === null && r.latency_ms > 0)).toBe(true);
    // Intended starts are non-decreasing in seq order (a request's seq is taken when it is sent).
    expect(trace.every((r, i) => i === 0 || r.t_offset_ms >= (trace[i - 1] as TraceRecord).t_offset_ms)).toBe(true);
  });

  it('waits thinkTimeMs between a user’s requests', async () => {
    const srv = await recordingServer();
    servers.push(srv);
    const gen = new LoadGenerator({ target: srv.url, users: 2, durationS: 2, thinkTimeMs: 200 });
    const totals = await gen.run();
    // Each user sends at most one request per 200 ms: 2 users x (2 s / 200 ms + 1).
    expect(totals.requests).toBeLessThanOrEqual(22);
    expect(totals.requests).toBeGreaterThanOrEqual(4);
  });

  it('stop() ends mid-run: cool-down skipped, in-flight requests awaited and counted', async () => {
    const srv = await concurrencyServer(50);
    servers.push(srv);
    const gen = new LoadGenerator({ target: srv.url, users: 5, durationS: 60, coolDownS: 30 });
    const phases: Phase[] = [];
    gen.on('phase', (p) => phases.push(p.phase));
    let stopping: Promise<unknown> | null = null;
    gen.on('second', () => {
      stopping ??= gen.stop();
    });
    const totals = await gen.run();
    await stopping;
    expect(totals.reason).toBe('stopped');
    expect(totals.duration_s).toBeLessThan(30);
    expect(phases).not.toContain('cool-down');
    expect(phases.at(-1)).toBe('done');
    expect(totals.sent).toBe(totals.requests);
    expect(srv.arrivals.length).toBe(totals.requests);
    expect(totals.error_count).toBe(0);
  });

  it('cools down after the sustained phase: users stop, seconds keep coming', async () => {
    const srv = await recordingServer();
    servers.push(srv);
    const gen = new LoadGenerator({ target: srv.url, users: 2, durationS: 1, coolDownS: 1.2 });
    const seconds: SecondStats[] = [];
    gen.on('second', (s) => seconds.push(s));
    await gen.run();
    const cool = seconds.filter((s) => s.phase === 'cool-down');
    expect(cool.length).toBeGreaterThan(0);
    expect(cool.at(-1)?.requests).toBe(0);
    expect(cool.at(-1)?.active_users).toBe(0);
  });
});
