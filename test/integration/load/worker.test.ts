import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../core/common/errors.js';
import {
  LoadGenerator,
  replaySource,
  startLoadWorker,
  type LoadTotals,
  type Phase,
  type SecondStats,
  type TraceRecord,
} from '../../../core/load/index.js';
import { closedPort, recordingServer, type TestServer } from './servers.js';

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

/** The shape of a value: its keys, recursively (arrays by their first element). */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return [shape(v[0])];
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, shape((v as Record<string, unknown>)[k])]));
  }
  return typeof v;
}

describe('startLoadWorker', () => {
  it('runs the generator in a worker thread, with the same events and totals shape', async () => {
    const srv = await recordingServer();
    servers.push(srv);
    const config = { target: srv.url, users: 3, durationS: 1.5, seed: 5 };
    const run = startLoadWorker(config);
    const phases: Phase[] = [];
    const seconds: SecondStats[] = [];
    const trace: TraceRecord[] = [];
    let doneEvent: LoadTotals | null = null;
    run.on('phase', (p) => phases.push(p.phase));
    run.on('second', (s) => seconds.push(s));
    run.on('trace', (b) => trace.push(...b));
    run.on('done', (t) => (doneEvent = t));
    const totals = await run.done;

    const inThread = await new LoadGenerator({ ...config, durationS: 0.5 }).run();
    expect(shape(totals)).toEqual(shape(inThread));
    expect(doneEvent).toEqual(totals);
    expect(totals.requests).toBe(srv.received.length - inThread.requests);
    expect(totals.sent).toBe(totals.requests);
    expect(trace.map((r) => r.seq)).toEqual([...Array(totals.requests).keys()]);
    expect(seconds.reduce((n, s) => n + s.requests, 0)).toBe(totals.requests);
    expect(phases[0]).toBe('sustained');
    expect(phases.at(-1)).toBe('done');
    expect(totals.trace_dropped).toBe(0);
  });

  it('stops early, and replays a trace streamed from the main thread', async () => {
    const srv = await recordingServer();
    servers.push(srv);
    const run = startLoadWorker({ target: srv.url, users: 2, durationS: 60 });
    const trace: TraceRecord[] = [];
    run.on('trace', (b) => trace.push(...b));
    run.on('second', () => void run.stop());
    const totals = await run.done;
    expect(totals.reason).toBe('stopped');
    expect(trace).toHaveLength(totals.requests);

    const target = await recordingServer();
    servers.push(target);
    const replay = startLoadWorker({ target: target.url, users: 1 }, { source: replaySource(trace, { asFastAsPossible: true }) });
    const replayed = await replay.done;
    expect(replayed.requests).toBe(trace.length);
    expect(target.received.map((r) => r.body)).toEqual(trace.map((r) => r.body ?? ''));
  });

  it('drops (and counts) trace batches a slow consumer cannot take, never requests', async () => {
    // A closed port: requests fail fast inside the worker whatever the main thread is doing, so
    // batches pile up while the consumer below holds the main thread.
    const run = startLoadWorker({ target: `http://127.0.0.1:${await closedPort()}`, users: 4, durationS: 3 }, { maxPendingTraceBatches: 1 });
    let traced = 0;
    run.on('trace', (b) => {
      traced += b.length;
      // A consumer far slower than the load: 1.5 s per batch on the main thread, while the worker
      // flushes a batch at least every second.
      const until = Date.now() + 1500;
      while (Date.now() < until) {
        /* busy */
      }
    });
    const totals = await run.done;
    expect(totals.requests).toBeGreaterThan(0);
    expect(totals.errors_by_class.connection_refused).toBe(totals.requests);
    expect(totals.trace_dropped).toBeGreaterThan(0);
    expect(traced + totals.trace_dropped).toBe(totals.requests);
  });

  it('rejects a bad config synchronously with a UsageError', () => {
    expect(() => startLoadWorker({ target: 'http://127.0.0.1:1', users: -1 })).toThrow(UsageError);
  });
});
