import { describe, expect, it } from 'vitest';
import { PoolSampleStats } from '../../../core/profiling/pool-samples.js';
import type { PoolSample } from '../../../core/profiling/index.js';

function sample(tMs: number, checkedOut: number, waiting: number, size = 5): PoolSample {
  return { t_ms: tMs, size, total: Math.max(checkedOut, 1), checked_out: checkedOut, idle: 0, waiting, overflow: Math.max(0, checkedOut - size) };
}

describe('pool sample statistics', () => {
  it('turns contiguous waiting samples into exhaustion events with duration, peak and time share', () => {
    const stats = new PoolSampleStats(100);
    const waiting = [0, 0, 2, 5, 3, 0, 0, 0, 1, 0];
    waiting.forEach((w, i) => stats.record(sample(1_000 + i * 100, w > 0 ? 7 : 3, w)));
    const s = stats.stats();
    expect(s.samples).toBe(10);
    expect(s.exhaustion_events).toBe(2);
    expect(s.events.map((e) => [e.duration_ms, e.peak_waiting])).toEqual([
      [300, 5],
      [100, 1],
    ]);
    // 4 of the 9 intervals between samples started in an exhausted state.
    expect(s.exhaustion_time_pct).toBeCloseTo((400 / 900) * 100, 9);
    expect(s.waiting).toEqual({ min: 0, max: 5, avg: 1.1, p95: 5, p99: 5 });
    expect(s.checked_out.max).toBe(7);
    expect(s.overflow.max).toBe(2);
  });

  it('counts an exhaustion still in progress, and hands each sample to one snapshot', () => {
    const stats = new PoolSampleStats(3);
    for (let i = 0; i < 5; i++) stats.record(sample(i * 10, 5, i >= 3 ? 4 : 0));
    expect(stats.stats().exhaustion_events).toBe(1);
    expect(stats.stats().events[0]).toMatchObject({ duration_ms: 10, peak_waiting: 4 });
    expect(stats.drain().map((s) => s.t_ms)).toEqual([20, 30, 40]);
    expect(stats.drain()).toEqual([]);
    stats.reset();
    expect(stats.stats()).toMatchObject({ samples: 0, exhaustion_events: 0, exhaustion_time_pct: 0, events: [] });
  });
});
