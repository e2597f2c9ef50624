import type pg from 'pg';
import {
  ConnectionPoolMonitor,
  cacheAnalyzer,
  functionProfiler,
  generatePerformanceReport,
  metricsRegistry,
  queryProfiler,
  takeSnapshot,
  takeSnapshotSpread,
  withStore,
  type SpanHandle,
} from '../profiling/index.js';
import type { CacheOpRecord, MetricsText, PoolRegistration, SarkInstrumentation, SpanCtx } from './instrumentation-types.js';

/**
 * The one place the server meets the profiling library (core/profiling). The process-wide
 * default profilers are used, as a service embedding the library would: one server per process
 * (the recorder runs it as a child), so its report, snapshots and /metrics are the server's.
 *
 * `createInstrumentation(false)` (`--no-profiling`) returns the same interface doing nothing:
 * the server runs the very same code paths uninstrumented, which is how profiling's own cost
 * is measured side by side.
 */

/**
 * Pool sampling interval. The seed sampled every 10 s over 30 minutes; here runs last seconds
 * to minutes and exhaustion episodes last tens of milliseconds, which a 10 s sampler would
 * never see. 100 ms costs a few object reads per tick.
 */
export const POOL_SAMPLE_INTERVAL_MS = 100;

/**
 * Runs fn in an open span and closes it, marking errors. One `then` on fn's promise rather than an
 * async wrapper: the wrapper's own promise and await cost ~6 µs per request across the spans.
 */
function runSpan<T>(h: SpanHandle, fn: (ctx: SpanCtx) => Promise<T>): Promise<T> {
  let pending: Promise<T>;
  try {
    pending = fn(h as unknown as SpanCtx);
  } catch (err) {
    functionProfiler.end(h, true);
    return Promise.reject(err as Error);
  }
  return pending.then(
    (r) => {
      functionProfiler.end(h);
      return r;
    },
    (err: unknown) => {
      functionProfiler.end(h, true);
      throw err;
    },
  );
}

class ProfilingInstrumentation implements SarkInstrumentation {
  readonly enabled = true;
  private readonly monitors: ConnectionPoolMonitor[] = [];

  constructor(timingBudget: number | null) {
    queryProfiler.enable();
    functionProfiler.enable();
    functionProfiler.setTimingBudget(timingBudget);
    cacheAnalyzer.enable();
    // Created now so the evaluation histogram observes evaluate_policy from the first request.
    metricsRegistry();
  }

  trace<T>(name: string, fn: (ctx: SpanCtx) => Promise<T>): Promise<T> {
    return runSpan(functionProfiler.beginTrace(name), fn);
  }

  span<T>(parent: SpanCtx, name: string, fn: (ctx: SpanCtx) => Promise<T>): Promise<T> {
    return runSpan(functionProfiler.begin(name, parent as unknown as SpanHandle | null), fn);
  }

  beginTrace(name: string, atMs?: number): SpanCtx {
    return functionProfiler.beginTrace(name, atMs) as unknown as SpanCtx;
  }

  beginSpan(parent: SpanCtx, name: string, atMs?: number): SpanCtx {
    return functionProfiler.begin(name, parent as unknown as SpanHandle | null, atMs) as unknown as SpanCtx;
  }

  endSpan(span: SpanCtx, failed = false, atMs?: number): void {
    if (span !== null) functionProfiler.end(span as unknown as SpanHandle, failed, atMs);
  }

  within<T>(ctx: SpanCtx, fn: () => T): T {
    return ctx === null ? fn() : withStore((ctx as unknown as SpanHandle).store, fn);
  }

  instrumentPool(pool: pg.Pool, registration: PoolRegistration): pg.Pool {
    const instrumented = queryProfiler.instrument(pool);
    const monitor = new ConnectionPoolMonitor(instrumented, {
      baseSize: registration.baseSize,
      // The report's pool section is the policy pool's (the seed's pool analysis).
      register: registration.role === 'policy',
    });
    monitor.start(POOL_SAMPLE_INTERVAL_MS);
    this.monitors.push(monitor);
    return instrumented;
  }

  recordCacheOp(op: CacheOpRecord): void {
    cacheAnalyzer.add(op.key, op.operation, op.hit, op.durationMs, op.sensitivity, op.ttlS);
  }

  recordInvalidation(trigger: string, keysRemoved: number): void {
    cacheAnalyzer.recordInvalidation(trigger, keysRemoved);
  }

  report() {
    return generatePerformanceReport();
  }

  snapshot(withHistograms: boolean) {
    return takeSnapshot({ histograms: withHistograms });
  }

  snapshotSpread(withHistograms: boolean) {
    return takeSnapshotSpread({ histograms: withHistograms });
  }

  async metrics(): Promise<MetricsText> {
    const registry = metricsRegistry();
    return { contentType: registry.contentType, body: await registry.metrics() };
  }

  reset(): void {
    queryProfiler.reset();
    functionProfiler.reset();
    cacheAnalyzer.reset();
    for (const m of this.monitors) m.reset();
  }

  close(): void {
    for (const m of this.monitors) m.close();
    this.monitors.length = 0;
    functionProfiler.setTimingBudget(null);
  }
}

class NoInstrumentation implements SarkInstrumentation {
  readonly enabled = false;
  trace<T>(_name: string, fn: (ctx: SpanCtx) => Promise<T>): Promise<T> {
    return fn(null);
  }
  span<T>(parent: SpanCtx, _name: string, fn: (ctx: SpanCtx) => Promise<T>): Promise<T> {
    return fn(parent);
  }
  beginTrace(): SpanCtx {
    return null;
  }
  beginSpan(parent: SpanCtx): SpanCtx {
    return parent;
  }
  endSpan(): void {}
  within<T>(_ctx: SpanCtx, fn: () => T): T {
    return fn();
  }
  instrumentPool(pool: pg.Pool): pg.Pool {
    return pool;
  }
  recordCacheOp(): void {}
  recordInvalidation(): void {}
  report(): null {
    return null;
  }
  snapshot(withHistograms: boolean) {
    // The profilers are untouched, so this is an empty (but well-formed) snapshot.
    return takeSnapshot({ histograms: withHistograms, pool: null });
  }
  snapshotSpread(withHistograms: boolean) {
    return Promise.resolve(this.snapshot(withHistograms));
  }
  async metrics(): Promise<MetricsText> {
    const registry = metricsRegistry();
    return { contentType: registry.contentType, body: await registry.metrics() };
  }
  reset(): void {}
  close(): void {}
}

/** `timingBudget`: requests a second timed in full (null: all); see FunctionProfiler.setTimingBudget. */
export function createInstrumentation(enabled: boolean, timingBudget: number | null = null): SarkInstrumentation {
  return enabled ? new ProfilingInstrumentation(timingBudget) : new NoInstrumentation();
}
