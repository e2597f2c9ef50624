import { describe, expect, it } from 'vitest';
import {
  compareHistograms,
  compareSamples,
  mannWhitney,
  mannWhitneyHistograms,
  median,
  medianCI,
  normalCdf,
} from '../../../core/analysis/stats.js';
import { LatencyHistogram } from '../../../core/profiling/histogram.js';
import { prng } from '../../fixtures/report.js';

/** Deterministic noise so the tests are repeatable. */
function noisy(n: number, center: number, spread: number, seed: number): number[] {
  const r = prng(seed);
  return Array.from({ length: n }, () => center + (r() - 0.5) * 2 * spread);
}

describe('normalCdf', () => {
  it('matches the standard normal table', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 3);
    expect(normalCdf(-2.5758)).toBeCloseTo(0.005, 3);
  });
});

describe('Mann–Whitney U', () => {
  it('separated samples: U = 0 and the textbook two-sided p (normal approximation)', () => {
    const t = mannWhitney([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(t.u).toBe(0);
    // mu = 12.5, sigma = sqrt(25*11/12) = 4.787; z = (12.5 - 0.5) / 4.787 = 2.507 -> p = 0.0122
    expect(t.p).toBeCloseTo(0.0122, 3);
  });

  it('identical samples are not different', () => {
    const t = mannWhitney([3, 3, 3, 4, 5], [3, 3, 3, 4, 5]);
    expect(t.p).toBeCloseTo(1, 6);
  });

  it('histogram version agrees with the raw-sample version', () => {
    const a = noisy(400, 10, 3, 1);
    const b = noisy(400, 11, 3, 2);
    const raw = mannWhitney(a, b);
    const hist = mannWhitneyHistograms(LatencyHistogram.from(a), LatencyHistogram.from(b));
    expect(hist.p).toBeCloseTo(raw.p, 2);
    expect(Math.abs(hist.u - raw.u) / raw.u).toBeLessThan(0.01);
  });
});

describe('medianCI', () => {
  it('uses the order statistics with >= 95% binomial coverage', () => {
    const xs = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
    const ci = medianCI(xs);
    expect(ci.median).toBe(5.5);
    // n = 10: ranks [1, 8] (0-based) cover with 1 - 2*11/1024 = 97.9%; [2, 7] only 89%.
    expect(ci.lo).toBe(2);
    expect(ci.hi).toBe(9);
    expect(ci.confidence).toBeCloseTo(0.9785, 3);
  });

  it('tightens as samples grow', () => {
    const small = medianCI(noisy(20, 100, 10, 3));
    const large = medianCI(noisy(2000, 100, 10, 3));
    expect(large.hi - large.lo).toBeLessThan((small.hi - small.lo) / 3);
    expect(median(noisy(2000, 100, 10, 3))).toBeCloseTo(100, 0);
  });
});

describe('compareSamples', () => {
  it('a clear 30% slowdown is significant and worse', () => {
    const r = compareSamples(noisy(30, 10, 1, 4), noisy(30, 13, 1, 5), { lowerIsBetter: true });
    expect(r.significant).toBe(true);
    expect(r.better).toBe(false);
    expect(r.change_pct).toBeGreaterThan(25);
  });

  it('two runs of the same distribution are "~" (false positives stay near alpha)', () => {
    let flagged = 0;
    const trials = 100;
    for (let seed = 10; seed < 10 + trials; seed++) {
      const r = compareSamples(noisy(30, 10, 2, seed), noisy(30, 10, 2, seed + 100), { lowerIsBetter: true });
      if (r.significant) flagged++;
      else expect(r.better).toBeNull();
    }
    // alpha = 0.05 plus the 5% minimum effect: at most ~5% of same-distribution pairs flagged.
    expect(flagged / trials).toBeLessThanOrEqual(0.08);
  });

  it('a significant but tiny change is below the minimum effect and reported as "~"', () => {
    const r = compareSamples(noisy(3000, 100, 1, 7), noisy(3000, 101, 1, 8), { lowerIsBetter: false });
    expect(r.p_value).toBeLessThan(0.001);
    expect(r.significant).toBe(false);
  });

  it('higher-is-better metrics flip the direction', () => {
    const r = compareSamples(noisy(30, 500, 20, 9), noisy(30, 800, 20, 10), { lowerIsBetter: false });
    expect(r.significant).toBe(true);
    expect(r.better).toBe(true);
  });
});

describe('compareHistograms', () => {
  it('detects a faster query distribution from per-request histograms', () => {
    const before = LatencyHistogram.from(noisy(5000, 245, 60, 11));
    const after = LatencyHistogram.from(noisy(5000, 38, 10, 12));
    const r = compareHistograms(before, after, { lowerIsBetter: true, statistic: 'mean' });
    expect(r.significant).toBe(true);
    expect(r.better).toBe(true);
    expect(r.change_pct).toBeLessThan(-80);
  });
});
