import { LatencyHistogram } from '../profiling/histogram.js';
import type { TimelinePoint } from '../profiling/report-types.js';
import type { SessionReport } from '../report/types.js';
import type {
  CachePatternComparison,
  Comparison,
  FunctionComparison,
  KindComparison,
  MetricComparison,
  QueryComparison,
  Verdict,
} from './compare-types.js';
import {
  changePct,
  compareHistograms,
  compareSamples,
  DEFAULT_ALPHA,
  DEFAULT_MIN_EFFECT_PCT,
  normalCdf,
  type CompareOptions,
} from './stats.js';

export interface CompareSettings {
  alpha?: number;
  minEffectPct?: number;
}

/** Buckets (ms, upper bounds) for the overlaid latency distributions. */
const DISTRIBUTION_BOUNDS_MS = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, Infinity];

/** Seconds of the sustained phase (ramp-up and cool-down excluded) that carried traffic. */
export function steadyTimeline(report: SessionReport): TimelinePoint[] {
  const busy = report.timeline.filter((p) => p.rps > 0);
  const load = report.session.load as { ramp_up_s?: unknown; duration_s?: unknown };
  const ramp = typeof load.ramp_up_s === 'number' ? load.ramp_up_s : 0;
  const sustain = typeof load.duration_s === 'number' ? load.duration_s : Infinity;
  const steady = busy.filter((p) => p.t_s >= ramp && p.t_s < ramp + sustain);
  // Too few steady seconds (a very short run): compare everything that carried traffic.
  return steady.length >= 5 ? steady : busy;
}

function decodeOrNull(encoded: string | undefined): LatencyHistogram | null {
  if (encoded === undefined) return null;
  try {
    return LatencyHistogram.decode(encoded);
  } catch {
    return null;
  }
}

function sampledMetric(
  metric: string,
  label: string,
  unit: string,
  a: number[],
  b: number[],
  opts: CompareOptions,
  key: boolean,
): MetricComparison {
  const r = compareSamples(a, b, opts);
  const enough = a.length >= 3 && b.length >= 3;
  return {
    metric,
    label,
    unit,
    baseline: a.length ? r.baseline.median : null,
    candidate: b.length ? r.candidate.median : null,
    baseline_ci: a.length ? [r.baseline.lo, r.baseline.hi] : null,
    candidate_ci: b.length ? [r.candidate.lo, r.candidate.hi] : null,
    change_pct: r.change_pct,
    p_value: enough ? r.p_value : null,
    significant: enough && r.significant,
    better: enough ? r.better : null,
    lower_is_better: opts.lowerIsBetter,
    key,
    method: 'mann-whitney per-second',
  };
}

/** Exact counts (queries per request, N+1 patterns) differ or not; no sampling noise to test. */
function exactMetric(
  metric: string,
  label: string,
  unit: string,
  a: number | null,
  b: number | null,
  lowerIsBetter: boolean,
  minEffectPct: number,
): MetricComparison {
  const change = a === null || b === null ? null : changePct(a, b);
  const differs = a !== null && b !== null && a !== b;
  const significant = differs && (change === null || Math.abs(change) >= minEffectPct);
  const better = significant ? (lowerIsBetter ? (b as number) < (a as number) : (b as number) > (a as number)) : null;
  return {
    metric,
    label,
    unit,
    baseline: a,
    candidate: b,
    baseline_ci: null,
    candidate_ci: null,
    change_pct: change,
    p_value: null,
    significant,
    better,
    lower_is_better: lowerIsBetter,
    key: false,
    method: 'exact count',
  };
}

function compareMetrics(a: SessionReport, b: SessionReport, alpha: number, minEffectPct: number): MetricComparison[] {
  const ta = steadyTimeline(a);
  const tb = steadyTimeline(b);
  const lower: CompareOptions = { alpha, minEffectPct, lowerIsBetter: true };
  const higher: CompareOptions = { alpha, minEffectPct, lowerIsBetter: false };
  const col = (t: TimelinePoint[], f: (p: TimelinePoint) => number | null) =>
    t.map(f).filter((v): v is number => v !== null && Number.isFinite(v));
  const errRate = (p: TimelinePoint) => (p.rps > 0 ? p.errors / p.rps : null);
  const out: MetricComparison[] = [
    sampledMetric('throughput_rps', 'Throughput', 'req/s', col(ta, (p) => p.rps), col(tb, (p) => p.rps), higher, true),
    sampledMetric('latency_p50_ms', 'Latency p50', 'ms', col(ta, (p) => p.p50_ms), col(tb, (p) => p.p50_ms), lower, true),
    sampledMetric('latency_p95_ms', 'Latency p95', 'ms', col(ta, (p) => p.p95_ms), col(tb, (p) => p.p95_ms), lower, true),
    sampledMetric('latency_p99_ms', 'Latency p99', 'ms', col(ta, (p) => p.p99_ms), col(tb, (p) => p.p99_ms), lower, true),
    sampledMetric('error_rate', 'Error rate', 'fraction', col(ta, errRate), col(tb, errRate), lower, true),
    sampledMetric('cache_hit_rate', 'Cache hit rate', 'fraction', col(ta, (p) => p.cache_hit_rate), col(tb, (p) => p.cache_hit_rate), higher, false),
    sampledMetric('pool_checked_out', 'Pool checked out', 'connections', col(ta, (p) => p.pool_checked_out), col(tb, (p) => p.pool_checked_out), lower, false),
  ];
  const perRequest = (r: SessionReport) =>
    r.summary.requests > 0 && r.queries.total_queries > 0 ? r.queries.total_queries / r.summary.requests : null;
  out.push(exactMetric('queries_per_request', 'Queries per request', 'queries', perRequest(a), perRequest(b), true, minEffectPct));
  out.push(exactMetric('slow_queries', 'Slow queries', 'queries', a.queries.slow_queries_count, b.queries.slow_queries_count, true, minEffectPct));
  out.push(exactMetric('n_plus_one_patterns', 'N+1 patterns', 'patterns', a.n_plus_one.length, b.n_plus_one.length, true, 0));
  // An error rate of exactly 0 on both sides is no change, whatever the test says.
  return out.map((m) => (m.baseline === m.candidate && m.baseline !== null ? { ...m, significant: false, better: null } : m));
}

function compareQueries(a: SessionReport, b: SessionReport, alpha: number, minEffectPct: number): QueryComparison[] {
  const byFp = new Map<string, { a?: (typeof a.queries.by_fingerprint)[number]; b?: (typeof b.queries.by_fingerprint)[number] }>();
  for (const q of a.queries.by_fingerprint) byFp.set(q.fingerprint, { a: q });
  for (const q of b.queries.by_fingerprint) byFp.set(q.fingerprint, { ...byFp.get(q.fingerprint), b: q });
  const out: QueryComparison[] = [];
  for (const [fp, { a: qa, b: qb }] of byFp) {
    const base = qa?.mean_ms ?? null;
    const cand = qb?.mean_ms ?? null;
    let change = base !== null && cand !== null ? changePct(base, cand) : null;
    let significant: boolean;
    let better: boolean | null;
    const ha = decodeOrNull(a.histograms.queries[fp]);
    const hb = decodeOrNull(b.histograms.queries[fp]);
    if (qa && qb && ha && hb && ha.count > 0 && hb.count > 0) {
      const r = compareHistograms(ha, hb, { alpha, minEffectPct, lowerIsBetter: true, statistic: 'mean' });
      change = changePct(qa.mean_ms, qb.mean_ms);
      significant = r.significant;
      better = r.better;
    } else if (!qa || !qb) {
      // A fingerprint that appears or disappears entirely is a real change in what runs.
      significant = true;
      better = !qb; // gone is better (fewer statement kinds issued); new is not
      change = !qb ? -100 : null;
    } else {
      significant = change !== null && Math.abs(change) >= minEffectPct && qa.count >= 30 && qb.count >= 30;
      better = significant ? (change as number) < 0 : null;
    }
    out.push({
      fingerprint: fp,
      query: (qa ?? qb)?.query ?? fp,
      baseline_count: qa?.count ?? 0,
      candidate_count: qb?.count ?? 0,
      baseline_mean_ms: base,
      candidate_mean_ms: cand,
      baseline_p95_ms: qa?.p95_ms ?? null,
      candidate_p95_ms: qb?.p95_ms ?? null,
      change_pct: change,
      significant,
      better,
    });
  }
  const weight = (q: QueryComparison) => Math.max(q.baseline_count * (q.baseline_mean_ms ?? 0), q.candidate_count * (q.candidate_mean_ms ?? 0));
  return out.sort((x, y) => weight(y) - weight(x));
}

/** Two-proportion z-test on hit rates (each GET is a Bernoulli trial), two-sided at alpha. */
function hitRateSignificant(h1: number, n1: number, h2: number, n2: number, alpha: number): boolean {
  if (n1 === 0 || n2 === 0) return false;
  const p = (h1 + h2) / (n1 + n2);
  const se = Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
  if (se === 0) return h1 / n1 !== h2 / n2;
  const z = Math.abs(h1 / n1 - h2 / n2) / se;
  return 2 * (1 - normalCdf(z)) < alpha;
}

function compareCache(a: SessionReport, b: SessionReport, alpha: number): CachePatternComparison[] {
  const pa = new Map((a.cache?.by_pattern ?? []).map((p) => [p.pattern, p]));
  const pb = new Map((b.cache?.by_pattern ?? []).map((p) => [p.pattern, p]));
  const out: CachePatternComparison[] = [];
  for (const pattern of new Set([...pa.keys(), ...pb.keys()])) {
    const x = pa.get(pattern);
    const y = pb.get(pattern);
    const gx = x ? x.hits + x.misses : 0;
    const gy = y ? y.hits + y.misses : 0;
    const rx = x && gx > 0 ? x.hit_rate : null;
    const ry = y && gy > 0 ? y.hit_rate : null;
    const changePp = rx !== null && ry !== null ? (ry - rx) * 100 : null;
    // One percentage point is the smallest hit-rate change worth a line in a review.
    const significant = changePp !== null && Math.abs(changePp) >= 1 && hitRateSignificant(x?.hits ?? 0, gx, y?.hits ?? 0, gy, alpha);
    out.push({
      pattern,
      baseline_operations: x?.operations ?? 0,
      candidate_operations: y?.operations ?? 0,
      baseline_hit_rate: rx,
      candidate_hit_rate: ry,
      change_pp: changePp,
      significant,
      better: significant ? (changePp as number) > 0 : null,
    });
  }
  return out.sort((p, q) => Math.max(q.baseline_operations, q.candidate_operations) - Math.max(p.baseline_operations, p.candidate_operations));
}

/**
 * The share of a session's traces whose spans were timed (1 unless its timing budget was
 * exceeded): the function histograms hold one weighted count per trace, so this is how much
 * evidence each count really is.
 */
function timedShare(r: SessionReport): number {
  const t = r.function_timing;
  return t === undefined || t.traces <= 0 || t.timed_traces >= t.traces ? 1 : Math.max(t.timed_traces, 1) / t.traces;
}

function compareFunctions(a: SessionReport, b: SessionReport, alpha: number, minEffectPct: number): FunctionComparison[] {
  const fa = new Map(a.functions.map((f) => [f.name, f]));
  const fb = new Map(b.functions.map((f) => [f.name, f]));
  const out: FunctionComparison[] = [];
  for (const name of new Set([...fa.keys(), ...fb.keys()])) {
    const x = fa.get(name);
    const y = fb.get(name);
    const ha = decodeOrNull(a.histograms.functions[name]);
    const hb = decodeOrNull(b.histograms.functions[name]);
    let significant = false;
    let better: boolean | null = null;
    if (ha && hb && ha.count > 0 && hb.count > 0) {
      const r = compareHistograms(ha, hb, { alpha, minEffectPct, lowerIsBetter: true, statistic: 'mean', weights: [timedShare(a), timedShare(b)] });
      significant = r.significant;
      better = r.better;
    }
    out.push({
      name,
      baseline_calls: x?.calls ?? 0,
      candidate_calls: y?.calls ?? 0,
      baseline_mean_ms: x?.mean_ms ?? null,
      candidate_mean_ms: y?.mean_ms ?? null,
      change_pct: x && y ? changePct(x.mean_ms, y.mean_ms) : null,
      significant,
      better,
    });
  }
  return out.sort((p, q) => (q.baseline_mean_ms ?? 0) * q.baseline_calls - (p.baseline_mean_ms ?? 0) * p.baseline_calls);
}

function distribution(h: LatencyHistogram | null): Array<[number, number]> {
  if (h === null || h.count === 0) return [];
  const counts = new Array<number>(DISTRIBUTION_BOUNDS_MS.length).fill(0);
  h.forEachBucket((v, c) => {
    const i = DISTRIBUTION_BOUNDS_MS.findIndex((bound) => v <= bound);
    counts[i === -1 ? counts.length - 1 : i]! += c;
  });
  return DISTRIBUTION_BOUNDS_MS.map((bound, i) => [Number.isFinite(bound) ? bound : -1, (counts[i] ?? 0) / h.count]);
}

function compareKinds(a: SessionReport, b: SessionReport, alpha: number, minEffectPct: number): KindComparison[] {
  const ka = new Map(a.latency.by_kind.map((k) => [k.kind, k]));
  const kb = new Map(b.latency.by_kind.map((k) => [k.kind, k]));
  const out: KindComparison[] = [];
  for (const kind of new Set([...ka.keys(), ...kb.keys()])) {
    const x = ka.get(kind);
    const y = kb.get(kind);
    const ha = decodeOrNull(a.histograms.latency_by_kind[kind]);
    const hb = decodeOrNull(b.histograms.latency_by_kind[kind]);
    let significant = false;
    let better: boolean | null = null;
    let change = x && y ? changePct(x.latency_ms.p50, y.latency_ms.p50) : null;
    if (ha && hb && ha.count > 0 && hb.count > 0) {
      const r = compareHistograms(ha, hb, { alpha, minEffectPct, lowerIsBetter: true, statistic: 'median' });
      significant = r.significant;
      better = r.better;
      change = r.change_pct;
    }
    out.push({
      kind,
      baseline_requests: x?.requests ?? 0,
      candidate_requests: y?.requests ?? 0,
      baseline_p50_ms: x?.latency_ms.p50 ?? null,
      candidate_p50_ms: y?.latency_ms.p50 ?? null,
      baseline_p95_ms: x?.latency_ms.p95 ?? null,
      candidate_p95_ms: y?.latency_ms.p95 ?? null,
      change_pct: change,
      significant,
      better,
      baseline_distribution: distribution(ha),
      candidate_distribution: distribution(hb),
    });
  }
  return out;
}

function headlineOf(verdict: Verdict, metrics: MetricComparison[]): string {
  const fmt = (m: MetricComparison) => `${m.label} ${m.change_pct !== null && m.change_pct > 0 ? '+' : ''}${m.change_pct?.toFixed(1) ?? '?'}%`;
  const key = metrics.filter((m) => m.key && m.significant);
  if (verdict === 'unchanged') return 'No significant change in throughput, latency or errors.';
  const worse = key.filter((m) => m.better === false);
  const better = key.filter((m) => m.better === true);
  if (verdict === 'regressed') return `Regressed: ${worse.map(fmt).join(', ')}${better.length ? `; improved: ${better.map(fmt).join(', ')}` : ''}.`;
  return `Improved: ${better.map(fmt).join(', ')}.`;
}

export function compareReports(baseline: SessionReport, candidate: SessionReport, settings: CompareSettings = {}): Comparison {
  const alpha = settings.alpha ?? DEFAULT_ALPHA;
  const minEffectPct = settings.minEffectPct ?? DEFAULT_MIN_EFFECT_PCT;
  const metrics = compareMetrics(baseline, candidate, alpha, minEffectPct);
  const key = metrics.filter((m) => m.key && m.significant);
  const regressions = key
    .filter((m) => m.better === false)
    .map((m) => ({ metric: m.metric, change_pct: m.change_pct }))
    .sort((x, y) => Math.abs(y.change_pct ?? Infinity) - Math.abs(x.change_pct ?? Infinity));
  const verdict: Verdict = regressions.length > 0 ? 'regressed' : key.some((m) => m.better === true) ? 'improved' : 'unchanged';
  const warnings: string[] = [];
  const ta = steadyTimeline(baseline).length;
  const tb = steadyTimeline(candidate).length;
  if (ta < 10 || tb < 10) warnings.push(`few per-second samples (${ta} vs ${tb}): record at least 10 s of sustained load for a trustworthy verdict`);
  const mixA = JSON.stringify((baseline.session.load as { mix?: unknown }).mix ?? null);
  const mixB = JSON.stringify((candidate.session.load as { mix?: unknown }).mix ?? null);
  if (mixA !== mixB) warnings.push('the two sessions used different traffic mixes');
  return {
    verdict,
    headline: headlineOf(verdict, metrics),
    baseline: { id: baseline.session.id, name: baseline.session.name, profile: baseline.session.profile },
    candidate: { id: candidate.session.id, name: candidate.session.name, profile: candidate.session.profile },
    alpha,
    min_effect_pct: minEffectPct,
    metrics,
    queries: compareQueries(baseline, candidate, alpha, minEffectPct),
    cache_patterns: compareCache(baseline, candidate, alpha),
    functions: compareFunctions(baseline, candidate, alpha, minEffectPct),
    latency_by_kind: compareKinds(baseline, candidate, alpha, minEffectPct),
    regressions,
    warnings,
  };
}

/** The CI gate: a significant regression on a key metric worse than `pct` percent. */
export function failsRegressionGate(cmp: Comparison, pct: number): boolean {
  return cmp.regressions.some((r) => r.change_pct === null || Math.abs(r.change_pct) > pct);
}
