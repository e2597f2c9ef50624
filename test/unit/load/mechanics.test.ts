import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../../core/profiling/histogram.js';
import { LoadStats, type RunState } from '../../../core/load/stats.js';
import { TraceBuffer } from '../../../core/load/trace.js';
import {
  TRACE_BATCH_MAX,
  arrivalOffsetMs,
  arrivalsBefore,
  classifyError,
  classifyStatus,
  type SecondStats,
  type TraceRecord,
} from '../../../core/load/index.js';

function rec(seq: number): TraceRecord {
  return { seq, t_offset_ms: seq, kind: 'cached', method: 'GET', path: '/', body: null, status: 200, latency_ms: 1, error_class: null };
}

describe('TraceBuffer', () => {
  it('delivers records in seq order, in bounded batches, whatever the completion order', () => {
    const batches: TraceRecord[][] = [];
    const buf = new TraceBuffer((b) => batches.push(b));
    const n = 5000;
    // Complete in a scrambled order: pairs swapped, and seq 0 (the slow one) last of all.
    const order: number[] = [];
    for (let i = 1; i < n; i += 2) order.push(i + 1 < n ? i + 1 : i, i);
    order.push(0);
    for (const s of order) buf.add(rec(s));
    buf.close();
    const all = batches.flat();
    expect(all.map((r) => r.seq)).toEqual([...Array(n).keys()]);
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(TRACE_BATCH_MAX);
  });

  it('holds nothing back once the oldest request completed', () => {
    const batches: TraceRecord[][] = [];
    const buf = new TraceBuffer((b) => batches.push(b));
    buf.add(rec(1));
    buf.add(rec(2));
    buf.flush();
    expect(batches).toHaveLength(0); // 0 is still outstanding
    buf.add(rec(0));
    buf.flush();
    expect(batches.flat().map((r) => r.seq)).toEqual([0, 1, 2]);
  });
});

describe('LoadStats', () => {
  it('emits one entry per second (empty ones too) and totals equal to the merged seconds', () => {
    const seconds: SecondStats[] = [];
    const state: RunState = { phase: 'sustained', inFlight: 0, activeUsers: 3 };
    const stats = new LoadStats((s) => seconds.push(s), state);
    const latencies = [1, 2, 3, 4, 100];
    stats.record('cached', 1, null, 10);
    stats.record('unique', 2, 'http_5xx', 500);
    stats.record('cached', 3, null, 999);
    // nothing completes in second 1
    stats.record('server', 4, 'timeout', 2500);
    stats.record('critical', 100, null, 2600);
    stats.finish(2800);
    expect(seconds.map((s) => [s.t_s, s.requests, s.error_count])).toEqual([
      [0, 3, 1],
      [1, 0, 0],
      [2, 2, 1],
    ]);
    expect(seconds[0]?.errors.http_5xx).toBe(1);
    expect(seconds[2]?.rps).toBeCloseTo(2 / 0.8, 6); // the last second covered 800 ms
    expect(seconds[0]?.by_kind.cached.requests).toBe(2);
    expect(LatencyHistogram.decode(seconds[0]?.by_kind.cached.histogram ?? '').count).toBe(2);
    const totals = stats.totals();
    expect(totals.requests).toBe(5);
    expect(totals.errorCount).toBe(2);
    expect(totals.errorsByClass).toMatchObject({ http_5xx: 1, timeout: 1 });
    expect(totals.latency.max).toBe(100);
    expect(totals.latency.mean).toBeCloseTo(latencies.reduce((a, b) => a + b) / 5, 9);
    expect(totals.byKind.map((k) => [k.kind, k.requests, k.errors])).toEqual([
      ['cached', 2, 0],
      ['unique', 1, 1],
      ['critical', 1, 0],
      ['server', 1, 1],
    ]);
  });
});

describe('open-model schedule', () => {
  it('spaces arrivals 1/rate apart without ramp-up', () => {
    expect(arrivalOffsetMs(0, 100, 0)).toBe(0);
    expect(arrivalOffsetMs(250, 100, 0)).toBeCloseTo(2500, 9);
    expect(arrivalsBefore(3000, 100, 0)).toBe(300);
  });

  it('ramps the rate linearly: half the arrivals of the full rate during the ramp', () => {
    // 10 s ramp to 100/s: 500 arrivals during the ramp, then 100/s.
    expect(arrivalsBefore(10_000, 100, 10)).toBe(500);
    expect(arrivalsBefore(12_000, 100, 10)).toBe(700);
    expect(arrivalOffsetMs(500, 100, 10)).toBeCloseTo(10_000, 6);
    // Gaps shrink during the ramp and settle at 10 ms.
    const gap = (i: number) => arrivalOffsetMs(i + 1, 100, 10) - arrivalOffsetMs(i, 100, 10);
    expect(gap(10)).toBeGreaterThan(gap(400));
    expect(gap(600)).toBeCloseTo(10, 6);
  });
});

describe('error classification', () => {
  it('maps statuses and undici/socket errors to the documented classes', () => {
    expect(classifyStatus(200)).toBeNull();
    expect(classifyStatus(304)).toBeNull();
    expect(classifyStatus(404)).toBe('http_4xx');
    expect(classifyStatus(503)).toBe('http_5xx');
    const err = (code: string, cause?: unknown) => Object.assign(new Error(code), { code, cause });
    expect(classifyError(err('UND_ERR_HEADERS_TIMEOUT'))).toBe('timeout');
    expect(classifyError(err('UND_ERR_CONNECT_TIMEOUT'))).toBe('timeout');
    expect(classifyError(err('ECONNREFUSED'))).toBe('connection_refused');
    expect(classifyError(err('UND_ERR_SOCKET'))).toBe('connection_reset');
    expect(classifyError(err('UND_ERR_SOCKET', err('ECONNRESET')))).toBe('connection_reset');
    expect(classifyError(err('UND_ERR_SOCKET', err('ECONNREFUSED')))).toBe('connection_refused');
    expect(classifyError(new Error('boom'))).toBe('other');
    expect(classifyError('not an error')).toBe('other');
  });
});
