import type { LatencyHistogram } from '../profiling/histogram.js';

/**
 * Statistics for comparing two sessions the way benchstat does: medians with a
 * distribution-free confidence interval, and a two-sided Mann–Whitney U test. A difference is
 * reported only when it is significant; otherwise it is "~" (no change).
 */

/** Ascending copy (Float64Array sorts numerically, and fast). */
export function sortedCopy(xs: readonly number[]): Float64Array {
  return Float64Array.from(xs).sort();
}

/** Linear-interpolated quantile (q in 0..1) of already sorted values. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  if (n === 1) return sorted[0] as number;
  const pos = (n - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

export function median(xs: readonly number[]): number {
  return quantileSorted(sortedCopy(xs), 0.5);
}

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf; |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(z) / Math.SQRT2));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-(z * z) / 2);
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

export interface RankTest {
  /** U statistic of the first sample. */
  u: number;
  z: number;
  /** Two-sided p-value (normal approximation with tie and continuity corrections). */
  p: number;
  n1: number;
  n2: number;
}

/**
 * Mann–Whitney U from (value, count) groups of two samples, both in ascending value order.
 * Equal values across samples are ties. Works for raw samples (count 1 each) and for
 * histogram buckets alike, in O(groups).
 */
export function mannWhitneyGroups(a: ReadonlyArray<readonly [number, number]>, b: ReadonlyArray<readonly [number, number]>): RankTest {
  let n1 = 0;
  let n2 = 0;
  for (const [, c] of a) n1 += c;
  for (const [, c] of b) n2 += c;
  if (n1 === 0 || n2 === 0) return { u: 0, z: 0, p: 1, n1, n2 };
  let i = 0;
  let j = 0;
  let bBelow = 0; // count of b strictly below the current value
  let u = 0;
  let tieTerm = 0;
  while (i < a.length || j < b.length) {
    const va = i < a.length ? (a[i] as readonly [number, number])[0] : Infinity;
    const vb = j < b.length ? (b[j] as readonly [number, number])[0] : Infinity;
    const v = Math.min(va, vb);
    let ca = 0;
    let cb = 0;
    while (i < a.length && (a[i] as readonly [number, number])[0] === v) ca += (a[i++] as readonly [number, number])[1];
    while (j < b.length && (b[j] as readonly [number, number])[0] === v) cb += (b[j++] as readonly [number, number])[1];
    u += ca * (bBelow + cb / 2);
    bBelow += cb;
    const t = ca + cb;
    if (t > 1) tieTerm += t * t * t - t;
  }
  const n = n1 + n2;
  const mu = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, z: 0, p: 1, n1, n2 };
  const diff = u - mu;
  const corrected = Math.max(0, Math.abs(diff) - 0.5);
  const z = (Math.sign(diff) * corrected) / Math.sqrt(variance);
  const p = Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));
  return { u, z, p, n1, n2 };
}

function groupsOf(xs: readonly number[]): Array<[number, number]> {
  const sorted = sortedCopy(xs);
  const out: Array<[number, number]> = [];
  for (const v of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && last[0] === v) last[1]++;
    else out.push([v, 1]);
  }
  return out;
}

export function mannWhitney(a: readonly number[], b: readonly number[]): RankTest {
  return mannWhitneyGroups(groupsOf(a), groupsOf(b));
}

export function histogramGroups(h: LatencyHistogram): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  h.forEachBucket((v, c) => out.push([v, c]));
  return out;
}

/**
 * Mann–Whitney U between two latency histograms, at bucket resolution (0.1%). `weights` scale
 * each histogram's counts to the number of values really observed: a histogram of sampled
 * timings, each recorded k times (FunctionProfiler's timing budget), holds k times more counts
 * than it has evidence, and would make the test k times too sure of itself.
 */
export function mannWhitneyHistograms(a: LatencyHistogram, b: LatencyHistogram, weights: readonly [number, number] = [1, 1]): RankTest {
  const scaled = (h: LatencyHistogram, w: number) => (w === 1 ? histogramGroups(h) : histogramGroups(h).map(([v, c]): [number, number] => [v, c * w]));
  return mannWhitneyGroups(scaled(a, weights[0]), scaled(b, weights[1]));
}

function binomialCdfHalf(n: number, k: number): number {
  // P(X <= k) for X ~ Binomial(n, 1/2), computed in log space to stay finite for large n.
  if (k < 0) return 0;
  if (k >= n) return 1;
  let logTerm = -n * Math.LN2; // log C(n,0) / 2^n
  let sum = Math.exp(logTerm);
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log((n - i + 1) / i);
    sum += Math.exp(logTerm);
  }
  return Math.min(1, sum);
}

export interface MedianCI {
  median: number;
  lo: number;
  hi: number;
  /** Achieved confidence (>= the requested level unless n is too small). */
  confidence: number;
}

/**
 * Distribution-free confidence interval for the median from order statistics (as benchstat):
 * the widest symmetric ranks [k, n-1-k] whose binomial coverage is still >= `level`.
 */
export function medianCI(xs: readonly number[], level = 0.95): MedianCI {
  const sorted = sortedCopy(xs);
  const n = sorted.length;
  if (n === 0) return { median: 0, lo: 0, hi: 0, confidence: 0 };
  const med = quantileSorted(sorted, 0.5);
  // Ranks [k, n-1-k] (0-based) cover the median with probability 1 - 2 P(X <= k),
  // X ~ Binomial(n, 1/2). Take the largest k that keeps the coverage >= level.
  let k = 0;
  let confidence: number;
  if (n > 1000) {
    // The normal approximation of the binomial is accurate here and O(1).
    const z = 1.959963984540054; // two-sided 95%
    k = Math.max(0, Math.floor(n / 2 - (z * Math.sqrt(n)) / 2) - 1);
    confidence = level;
  } else {
    while (k + 1 < n / 2 && 1 - 2 * binomialCdfHalf(n, k + 1) >= level) k++;
    confidence = 1 - 2 * binomialCdfHalf(n, k);
  }
  const lo = sorted[Math.min(k, n - 1)] as number;
  const hi = sorted[Math.max(n - 1 - k, 0)] as number;
  return { median: med, lo: Math.min(lo, med), hi: Math.max(hi, med), confidence };
}

export interface SampleComparison {
  baseline: MedianCI;
  candidate: MedianCI;
  /** (candidate - baseline) / baseline, in %; null when the baseline is 0. */
  change_pct: number | null;
  p_value: number;
  /** Significant at alpha AND at least minEffectPct away from the baseline. */
  significant: boolean;
  /** With `lowerIsBetter`, whether the candidate is better; null when not significant. */
  better: boolean | null;
}

export interface CompareOptions {
  /** Significance level; benchstat's default. */
  alpha?: number;
  /**
   * Smallest relative change worth reporting. Two runs of the same build on a shared 2-core
   * machine differ by a few % in throughput; below this a "significant" difference is noise.
   */
  minEffectPct?: number;
  lowerIsBetter: boolean;
}

export const DEFAULT_ALPHA = 0.05;
export const DEFAULT_MIN_EFFECT_PCT = 5;

export function changePct(baseline: number, candidate: number): number | null {
  if (baseline === 0) return candidate === 0 ? 0 : null;
  return ((candidate - baseline) / Math.abs(baseline)) * 100;
}

function decide(change: number | null, p: number, opts: CompareOptions): { significant: boolean; better: boolean | null } {
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const minEffect = opts.minEffectPct ?? DEFAULT_MIN_EFFECT_PCT;
  const big = change === null ? true : Math.abs(change) >= minEffect;
  const significant = p < alpha && big && change !== 0;
  if (!significant) return { significant: false, better: null };
  const decreased = change === null ? false : change < 0;
  return { significant: true, better: opts.lowerIsBetter ? decreased : !decreased };
}

/** Compares two samples (e.g. per-second p95 of each session). */
export function compareSamples(a: readonly number[], b: readonly number[], opts: CompareOptions): SampleComparison {
  const baseline = medianCI(a);
  const candidate = medianCI(b);
  const test = mannWhitney(a, b);
  const change = changePct(baseline.median, candidate.median);
  return { baseline, candidate, change_pct: change, p_value: test.p, ...decide(change, test.p, opts) };
}

/**
 * Compares two latency histograms (per-request samples): medians from the histograms, U test
 * at bucket resolution. `statistic` chooses which central value is reported and tested for
 * size (the rank test itself is about the whole distribution).
 */
export function compareHistograms(
  a: LatencyHistogram,
  b: LatencyHistogram,
  opts: CompareOptions & { statistic?: 'mean' | 'median'; weights?: readonly [number, number] },
): { baseline: number; candidate: number; change_pct: number | null; p_value: number; significant: boolean; better: boolean | null } {
  const pick = (h: LatencyHistogram) => (opts.statistic === 'mean' ? h.meanMs : h.percentile(50));
  const base = pick(a);
  const cand = pick(b);
  const test = mannWhitneyHistograms(a, b, opts.weights);
  const change = changePct(base, cand);
  return { baseline: base, candidate: cand, change_pct: change, p_value: test.p, ...decide(change, test.p, opts) };
}
