import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConnectionPoolMonitor,
  QueryProfiler,
  generatePerformanceReport,
  registerPoolMonitor,
  registeredPoolMonitor,
} from '../../../core/profiling/index.js';
import { PG_URL, lineOf } from './helpers.js';

const pools: pg.Pool[] = [];
function newPool(max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: PG_URL, max });
  pools.push(pool);
  return pool;
}

afterEach(async () => {
  registerPoolMonitor(null);
  await Promise.all(pools.splice(0).map((p) => p.end()));
});

describe('ConnectionPoolMonitor on a real pg.Pool', () => {
  it('a pool of 5 under 20 concurrent clients shows waiting callers and exhaustion events', async () => {
    const pool = newPool(5);
    const qp = new QueryProfiler();
    qp.instrument(pool);
    const monitor = new ConnectionPoolMonitor(pool).start(5);
    await Promise.all(Array.from({ length: 20 }, () => pool.query('SELECT pg_sleep(0.05)')));
    monitor.sample();
    monitor.stop();

    const stats = monitor.getStats();
    expect(stats.size).toBe(5);
    expect(stats.max_overflow).toBe(0);
    expect(stats.samples).toBeGreaterThan(2);
    expect(stats.checked_out.max).toBe(5);
    expect(stats.waiting.max).toBeGreaterThan(0);
    expect(stats.exhaustion_events).toBeGreaterThanOrEqual(1);
    expect(stats.events[0]!.peak_waiting).toBeGreaterThan(0);
    expect(stats.exhaustion_time_pct).toBeGreaterThan(0);
    expect(stats.exhaustion_time_pct).toBeLessThanOrEqual(100);
    // Every checkout, including the ones pool.query takes internally, held a client >= 50 ms.
    expect(stats.checkout_ms.mean).toBeGreaterThanOrEqual(50);
    expect(stats.avg_checkout_ms).toBe(stats.checkout_ms.mean);
    expect(monitor.checkoutHistogram().count).toBe(20);
    // The pool monitor and the query profiler share the pool without double counting.
    expect(qp.getQueryStats().total_queries).toBe(20);
    // The last sample, after the burst, is idle.
    const last = monitor.sample();
    expect(last).toMatchObject({ size: 5, checked_out: 0, waiting: 0, overflow: 0 });
    expect(last.total).toBe(last.idle + last.checked_out);
  });

  it('counts checkouts above the base size as overflow', async () => {
    const pool = newPool(5);
    const monitor = new ConnectionPoolMonitor(pool, { baseSize: 3 });
    const clients = await Promise.all(Array.from({ length: 5 }, () => pool.connect()));
    const s = monitor.sample();
    expect(s).toMatchObject({ size: 3, total: 5, checked_out: 5, idle: 0, waiting: 0, overflow: 2 });
    for (const c of clients) c.release();
    expect(monitor.sample()).toMatchObject({ checked_out: 0, idle: 5, overflow: 0 });
    const stats = monitor.getStats();
    expect(stats.max_overflow).toBe(2);
    expect(stats.overflow.max).toBe(2);
    expect(stats.exhaustion_events).toBe(0);
  });

  it('reports a connection held longer than a second with the call site that acquired it', async () => {
    const pool = newPool(2);
    const monitor = new ConnectionPoolMonitor(pool);
    const client = await pool.connect(); // LONG-HOLD
    await client.query('SELECT 1');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    // Still held: already reported as long-held.
    expect(monitor.getStats().long_held[0]?.call_site).toBe(lineOf(import.meta.url, '// LONG-HOLD'));
    client.release();
    const held = monitor.getStats().long_held;
    expect(held).toHaveLength(1);
    expect(held[0]!.held_ms).toBeGreaterThan(1_000);
    expect(held[0]!.call_site).toBe(lineOf(import.meta.url, '// LONG-HOLD'));
    // A short checkout is not listed.
    await pool.query('SELECT 1');
    expect(monitor.getStats().long_held).toHaveLength(1);
  });

  it("attributes a pool.query's long hold to where its statement was issued", async () => {
    const pool = newPool(2);
    const qp = new QueryProfiler();
    qp.instrument(pool);
    await qp.ready();
    const monitor = new ConnectionPoolMonitor(pool);
    const slow = () => pool.query('SELECT pg_sleep(1.05)'); // POOL-QUERY-HOLD
    await slow();
    // A second issue of the same statement borrows the recorded site (no stack walk of its own).
    await slow();
    const held = monitor.getStats().long_held;
    expect(held).toHaveLength(2);
    for (const h of held) expect(h.call_site).toBe(lineOf(import.meta.url, '// POOL-QUERY-HOLD'));
  });

  it('feeds the report pool section from the registered monitor, and snapshot samples drain', async () => {
    const pool = newPool(3);
    expect(generatePerformanceReport().pool).toBeNull();
    const monitor = new ConnectionPoolMonitor(pool);
    expect(registeredPoolMonitor()).toBe(monitor);
    monitor.sample();
    monitor.sample();
    expect(generatePerformanceReport().pool?.samples).toBe(2);
    expect(monitor.drainSamples()).toHaveLength(2);
    expect(monitor.drainSamples()).toHaveLength(0);
    monitor.reset();
    expect(monitor.getStats().samples).toBe(0);
    monitor.close();
    expect(registeredPoolMonitor()).toBeNull();
  });

  it('rejects what is not a pg.Pool with a clear error', () => {
    expect(() => new ConnectionPoolMonitor({})).toThrow(/expects a pg.Pool/);
    const pool = newPool(2);
    expect(() => new ConnectionPoolMonitor(pool, { baseSize: 0 })).toThrow(/baseSize/);
    expect(() => new ConnectionPoolMonitor(pool, { register: false }).start(0)).toThrow(/interval/);
  });
});
