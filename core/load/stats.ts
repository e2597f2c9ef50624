import { LatencyHistogram } from '../profiling/histogram.js';
import {
  ERROR_CLASSES,
  REQUEST_KINDS,
  emptyErrorCounts,
  type ErrorClass,
  type ErrorCounts,
  type KindSecond,
  type KindTotals,
  type LatencyStatsMs,
  type LoadTotals,
  type Phase,
  type RequestKind,
  type SecondStats,
} from './types.js';

/**
 * Per-second aggregation. Memory is constant whatever the duration: one HDR histogram per kind
 * for the open second, one per kind for the run so far (the per-second ones are merged into it
 * when the second closes), and counters. Requests are attributed to the second in which they
 * completed, like autocannon's per-second counts.
 */

/**
 * The last, partial second's rate is computed over at least 100 ms, so a handful of stragglers
 * finishing in the final milliseconds do not read as a spike on the timeline.
 */
const MIN_PARTIAL_SECOND_MS = 100;

const KIND_INDEX: Readonly<Record<RequestKind, number>> = { cached: 0, unique: 1, critical: 2, server: 3 };

export interface RunState {
  phase: Phase;
  inFlight: number;
  activeUsers: number;
}

class KindWindow {
  requests = 0;
  errors = 0;
  readonly hist = new LatencyHistogram();
  readonly total = new LatencyHistogram();
  totalRequests = 0;
  totalErrors = 0;
}

export class LoadStats {
  private readonly kinds: KindWindow[] = REQUEST_KINDS.map(() => new KindWindow());
  private secondErrors: ErrorCounts = emptyErrorCounts();
  private readonly totalErrors: ErrorCounts = emptyErrorCounts();
  private readonly scratch = new LatencyHistogram();
  private second = 0;
  /** End of the open second, ms since the run started. */
  secondEndMs = 1000;

  constructor(
    private readonly emitSecond: (s: SecondStats) => void,
    private readonly state: RunState,
  ) {}

  /** Records one completed request at `nowMs` (ms since the run started). */
  record(kind: RequestKind, latencyMs: number, error: ErrorClass | null, nowMs: number): void {
    if (nowMs >= this.secondEndMs) this.rollTo(nowMs);
    const k = this.kinds[KIND_INDEX[kind]] as KindWindow;
    k.requests++;
    k.hist.record(latencyMs);
    if (error !== null) {
      k.errors++;
      this.secondErrors[error]++;
    }
  }

  /** Closes every second that ended before `nowMs`, emitting each (empty ones included). */
  rollTo(nowMs: number): void {
    while (nowMs >= this.secondEndMs) this.closeSecond(1000);
  }

  /** Closes the open, partial second at the end of the run, if it saw anything or covered time. */
  finish(endMs: number): void {
    this.rollTo(endMs);
    const coveredMs = endMs - (this.secondEndMs - 1000);
    const any = this.kinds.some((k) => k.requests > 0);
    if (any || coveredMs > 0) this.closeSecond(Math.max(coveredMs, MIN_PARTIAL_SECOND_MS));
  }

  private closeSecond(coveredMs: number): void {
    const overall = this.scratch;
    overall.reset();
    let requests = 0;
    const byKind = {} as Record<RequestKind, KindSecond>;
    REQUEST_KINDS.forEach((kind, i) => {
      const k = this.kinds[i] as KindWindow;
      requests += k.requests;
      overall.add(k.hist);
      byKind[kind] = {
        requests: k.requests,
        errors: k.errors,
        p50_ms: k.hist.percentile(50),
        p95_ms: k.hist.percentile(95),
        p99_ms: k.hist.percentile(99),
        histogram: k.hist.encode(),
      };
      k.total.add(k.hist);
      k.totalRequests += k.requests;
      k.totalErrors += k.errors;
      k.hist.reset();
      k.requests = 0;
      k.errors = 0;
    });
    let errorCount = 0;
    for (const c of ERROR_CLASSES) {
      errorCount += this.secondErrors[c];
      this.totalErrors[c] += this.secondErrors[c];
    }
    const stats: SecondStats = {
      t_s: this.second,
      phase: this.state.phase,
      requests,
      errors: this.secondErrors,
      error_count: errorCount,
      rps: (requests * 1000) / coveredMs,
      p50_ms: overall.percentile(50),
      p95_ms: overall.percentile(95),
      p99_ms: overall.percentile(99),
      max_ms: overall.maxMs,
      by_kind: byKind,
      in_flight: this.state.inFlight,
      active_users: this.state.activeUsers,
    };
    this.secondErrors = emptyErrorCounts();
    this.second++;
    this.secondEndMs += 1000;
    this.emitSecond(stats);
  }

  /** Run totals from the merged histograms; call after finish(). */
  totals(): {
    requests: number;
    errorCount: number;
    errorsByClass: ErrorCounts;
    latency: LatencyStatsMs;
    byKind: KindTotals[];
    histogram: string;
  } {
    const overall = new LatencyHistogram();
    let requests = 0;
    let errorCount = 0;
    const byKind = REQUEST_KINDS.map((kind, i) => {
      const k = this.kinds[i] as KindWindow;
      overall.add(k.total);
      requests += k.totalRequests;
      errorCount += k.totalErrors;
      return {
        kind,
        requests: k.totalRequests,
        errors: k.totalErrors,
        latency_ms: k.total.summary(),
        histogram: k.total.encode(),
      };
    });
    return {
      requests,
      errorCount,
      errorsByClass: { ...this.totalErrors },
      latency: overall.summary(),
      byKind,
      histogram: overall.encode(),
    };
  }

  /** The `done` payload: these totals plus what only the generator knows. */
  loadTotals(meta: {
    reason: LoadTotals['reason'];
    model: LoadTotals['model'];
    seed: number;
    durationS: number;
    sent: number;
    traceDropped: number;
  }): LoadTotals {
    const t = this.totals();
    return {
      reason: meta.reason,
      model: meta.model,
      seed: meta.seed,
      duration_s: meta.durationS,
      sent: meta.sent,
      requests: t.requests,
      succeeded: t.requests - t.errorCount,
      error_count: t.errorCount,
      errors_by_class: t.errorsByClass,
      throughput_rps: meta.durationS > 0 ? t.requests / meta.durationS : 0,
      latency_ms: t.latency,
      by_kind: t.byKind,
      histogram: t.histogram,
      trace_dropped: meta.traceDropped,
    };
  }
}
