import type { Check, CheckStatus } from '../profiling/report-types.js';
import type { SessionReport } from '../report/types.js';

/**
 * The critical-metrics table: the seed report's targets (its "Critical Metrics Summary"),
 * evaluated against a session. `warn` is within 20% of the target on the wrong side, so a
 * metric drifting towards its limit is visible before it fails.
 */

const WARN_MARGIN = 0.2;

/** Targets from the seed report. */
export const TARGETS = {
  evaluationP95Ms: 50,
  cacheHitP95Ms: 5,
  cacheMissP95Ms: 50,
  throughputRps: 500,
  cacheHitRate: 0.6,
  poolExhaustionPct: 1,
  nPlusOnePatterns: 0,
  errorRate: 0.01,
  slowQueryShare: 0.001,
} as const;

function below(actual: number | null, limit: number): CheckStatus {
  if (actual === null) return 'n/a';
  if (actual < limit) return actual < limit * (1 - WARN_MARGIN) ? 'pass' : 'warn';
  return 'fail';
}

function above(actual: number | null, limit: number): CheckStatus {
  if (actual === null) return 'n/a';
  if (actual > limit) return actual > limit * (1 + WARN_MARGIN) ? 'pass' : 'warn';
  return 'fail';
}

type ReportForChecks = Pick<SessionReport, 'latency' | 'queries' | 'n_plus_one' | 'pool' | 'cache' | 'functions' | 'session'> & {
  summary: Omit<SessionReport['summary'], 'checks'>;
};

/** p95 of the requests that evaluate a policy (everything but the analytics query). */
function evaluationP95(r: ReportForChecks): number | null {
  const fn = r.functions.find((f) => f.name === 'evaluate_policy');
  if (fn && fn.calls > 0) return fn.p95_ms;
  return r.summary.requests > 0 ? r.summary.latency_ms.p95 : null;
}

export function computeChecks(r: ReportForChecks): Check[] {
  const s = r.summary;
  const observeOnly = r.session.target_kind === 'observe';
  const checks: Check[] = [];
  const add = (id: string, name: string, target: string, actual: number | null, unit: string, status: CheckStatus) =>
    checks.push({ id, name, target, actual, unit, status });

  if (!observeOnly) {
    const p95 = evaluationP95(r);
    add('evaluation_p95', 'Policy evaluation p95', `< ${TARGETS.evaluationP95Ms} ms`, p95, 'ms', below(p95, TARGETS.evaluationP95Ms));
  }
  const hitP95 = r.cache && r.cache.hits > 0 ? r.cache.hit_latency_ms.p95 : null;
  add('cache_hit_p95', 'Cache hit latency p95', `< ${TARGETS.cacheHitP95Ms} ms`, hitP95, 'ms', below(hitP95, TARGETS.cacheHitP95Ms));
  const missFn = r.functions.find((f) => f.name === 'evaluate_policy_miss' || f.name === 'evaluate_on_miss');
  const missP95 = missFn && missFn.calls > 0 ? missFn.p95_ms : null;
  if (missP95 !== null) {
    add('cache_miss_p95', 'Cache miss latency p95', `< ${TARGETS.cacheMissP95Ms} ms`, missP95, 'ms', below(missP95, TARGETS.cacheMissP95Ms));
  }
  if (!observeOnly) {
    const tput = s.requests > 0 ? s.throughput_rps : null;
    add('throughput', 'Throughput (sustained)', `> ${TARGETS.throughputRps} req/s`, tput, 'req/s', above(tput, TARGETS.throughputRps));
  }
  add('cache_hit_rate', 'Cache hit rate', `> ${TARGETS.cacheHitRate * 100}%`, s.cache_hit_rate, 'fraction', above(s.cache_hit_rate, TARGETS.cacheHitRate));
  const exhaustion = r.pool ? r.pool.exhaustion_time_pct : null;
  add('pool_exhaustion', 'Connection pool exhaustion', `< ${TARGETS.poolExhaustionPct}% of time`, exhaustion, '%', below(exhaustion, TARGETS.poolExhaustionPct));
  const n1 = r.queries.total_queries > 0 || r.n_plus_one.length > 0 ? r.n_plus_one.length : null;
  add('n_plus_one', 'N+1 query patterns', '0', n1, 'patterns', n1 === null ? 'n/a' : n1 === 0 ? 'pass' : 'fail');
  const slowShare = r.queries.total_queries > 0 ? r.queries.slow_queries_count / r.queries.total_queries : null;
  add('slow_queries', `Slow queries (> ${r.queries.slow_query_threshold_ms ?? 100} ms)`, `< ${TARGETS.slowQueryShare * 100}% of queries`, slowShare, 'fraction', below(slowShare, TARGETS.slowQueryShare));
  if (!observeOnly) {
    const errRate = s.requests > 0 ? s.errors / s.requests : null;
    add('error_rate', 'Error rate', `< ${TARGETS.errorRate * 100}%`, errRate, 'fraction', below(errRate, TARGETS.errorRate));
  }
  return checks;
}
