import { Counter, Gauge, Registry } from 'prom-client';
import { cacheAnalyzer, functionProfiler, queryProfiler } from './defaults.js';
import { registeredPoolMonitor } from './pool-monitor.js';

/**
 * Prometheus metrics named as the seed's Grafana queries (Appendix C) expect them. Everything
 * but the evaluation histogram is read from the profilers at scrape time (`collect`), so
 * exposing metrics adds nothing to the request path; the histogram is fed by the end of each
 * `evaluate_policy` span.
 */

/** One sample line as prom-client's registry formats it. */
interface MetricValue {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

/**
 * A label-less Prometheus histogram that the registry formats like prom-client's own. Its
 * observe() is a scan of a dozen bounds and two additions; prom-client's Histogram.observe
 * (label hashing, a lookup per call) cost ~1.2 µs per request on the server's hot path.
 */
export class LeanHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly counts: Float64Array;
  private sum = 0;
  private count = 0;

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly upperBounds: readonly number[],
  ) {
    this.counts = new Float64Array(upperBounds.length);
  }

  observe(value: number): void {
    const bounds = this.upperBounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= (bounds[i] as number)) {
        (this.counts[i] as number)++;
        break;
      }
    }
    this.sum += value;
    this.count++;
  }

  /** What the registry reads (the shape prom-client's Histogram.get() returns). */
  get(): { name: string; help: string; type: string; values: MetricValue[]; aggregator: string } {
    const values: MetricValue[] = [];
    let cumulative = 0;
    this.upperBounds.forEach((le, i) => {
      cumulative += this.counts[i] as number;
      values.push({ metricName: `${this.name}_bucket`, labels: { le }, value: cumulative });
    });
    values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf' }, value: this.count });
    values.push({ metricName: `${this.name}_sum`, labels: {}, value: this.sum });
    values.push({ metricName: `${this.name}_count`, labels: {}, value: this.count });
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}

/** The span whose duration is the policy evaluation latency (the seed's critical path name). */
export const POLICY_EVALUATION_SPAN = 'evaluate_policy';

/** Seconds; the seed's targets sit at 5 ms (cache hit) and 50 ms (p95 evaluation). */
const EVALUATION_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

let registry: Registry | null = null;

/** The process-wide registry of profiling metrics (created on first call). */
export function metricsRegistry(): Registry {
  if (registry !== null) return registry;
  const r = new Registry();
  const evaluation = new LeanHistogram(
    'sark_policy_evaluation_duration_seconds',
    'Policy evaluation duration (the evaluate_policy span), seconds',
    EVALUATION_BUCKETS_S,
  );
  r.registerMetric(evaluation as unknown as Parameters<Registry['registerMetric']>[0]);
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
