import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../../core/profiling/index.js';

describe('LatencyHistogram.percentiles (one pass)', () => {
  it('gives exactly what percentile(p) gives, in the order asked', () => {
    let x = 42;
    const rand = (): number => {
      x = (x * 48_271) % 2_147_483_647;
      return x / 2_147_483_647;
    };
    for (const n of [1, 2, 7, 100, 5_000]) {
      const h = LatencyHistogram.from(Array.from({ length: n }, () => Math.exp(rand() * 8) / 10));
      const ps = [99, 0, 50, 95, 99.9, 100, 25, 1];
      expect(h.percentiles(ps)).toEqual(ps.map((p) => h.percentile(p)));
      const s = h.summary();
      expect([s.p50, s.p95, s.p99]).toEqual([h.percentile(50), h.percentile(95), h.percentile(99)]);
    }
    const tiny = LatencyHistogram.from([0, 0.0000004, 0.5, 3]);
    expect(tiny.percentiles([0, 25, 50, 75, 100])).toEqual([0, 25, 50, 75, 100].map((p) => tiny.percentile(p)));
    expect(new LatencyHistogram().percentiles([50, 99])).toEqual([0, 0]);
  });
});
