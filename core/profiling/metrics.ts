import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { cacheAnalyzer, functionProfiler, queryProfiler } from './defaults.js';
import { registeredPoolMonitor } from './pool-monitor.js';

/**
 * Prometheus metrics named as the seed's Grafana queries (Appendix C) expect them. Everything
 * but the evaluation histogram is read from the profilers at scrape time (`collect`), so
 * exposing metrics adds nothing to the request path; the histogram is fed by the end of each
 * `evaluate_policy` span.
 */

/** The span whose duration is the policy evaluation latency (the seed's critical path name). */
export const POLICY_EVALUATION_SPAN = 'evaluate_policy';

/** Seconds; the seed's targets sit at 5 ms (cache hit) and 50 ms (p95 evaluation). */
const EVALUATION_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

let registry: Registry | null = null;

/** The process-wide registry of profiling metrics (created on first call). */
export function metricsRegistry(): Registry {
  if (registry !== null) return registry;
  const r = new Registry();
  const evaluation = new Histogram({
    name: 'sark_policy_evaluation_duration_seconds',
    help: 'Policy evaluation duration (the evaluate_policy span), seconds',
    buckets: EVALUATION_BUCKETS_S,
    registers: [r],
  });
  functionProfiler.observe(POLICY_EVALUATION_SPAN, (durationMs) => evaluation.observe(durationMs / 1000));
  new Counter({
    name: 'sark_policy_cache_hits_total',
    help: 'Decision cache hits',
    registers: [r],
    collect() {
      this.reset();
      this.inc(cacheAnalyzer.totals.hits);
    },
  });
  new Counter({
    name: 'sark_policy_cache_misses_total',
    help: 'Decision cache misses',
    registers: [r],
    collect() {
      this.reset();
      this.inc(cacheAnalyzer.totals.misses);
    },
  });
  new Gauge({
    name: 'sark_db_connections_checked_out',
    help: 'Database connections checked out of the pool',
    registers: [r],
    collect() {
      this.set(registeredPoolMonitor()?.read().checked_out ?? 0);
    },
  });
  new Gauge({
    name: 'sark_db_connections_pool_size',
    help: 'Database connection pool base size',
    registers: [r],
    collect() {
      this.set(registeredPoolMonitor()?.size ?? 0);
    },
  });
  new Counter({
    name: 'sark_db_slow_queries_total',
    help: 'Queries at or above the slow-query threshold',
    registers: [r],
    collect() {
      this.reset();
      this.inc(queryProfiler.slowQueryCount);
    },
  });
  registry = r;
  return r;
}
