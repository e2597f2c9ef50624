import { performance } from 'node:perf_hooks';
import { UsageError } from '../common/errors.js';
import { CallTree } from './call-tree.js';
import { contextStorage, currentStore, newTraceState, UNSAMPLED, type Frame, type TraceState } from './context.js';
import { captureCpuProfile, type CpuProfile, type CpuProfileOptions } from './cpu-profile.js';
import { LatencyHistogram } from './histogram.js';
import type { CallTreeNode, FunctionStats } from './report-types.js';
import { percentilesOf } from './summary-cache.js';
import { DETACHED, ExplicitSpan, NO_SPAN, UNSAMPLED_SPAN, UntimedSpan, notify, untimedSpan, type Entry, type OpenSpan, type SpanHandle } from './spans.js';
import { TimingBudget } from './timing-budget.js';

/**
 * The function profiler (the seed's `function_profiler` and `profile_block`): spans with
 * calls, total and self time and HDR percentiles per name, nested through AsyncLocalStorage
 * into a call tree; and request traces, which the query profiler uses for N+1 detection and
 * which carry the sampling decision for everything recorded inside them.
 * With a timing budget (setTimingBudget, timing-budget.ts) only a weighted sample of traces
 * is timed; calls and errors stay exact.
 */

/** Distinct span names tracked; later ones are counted under "(other)". */
const MAX_FUNCTIONS = 1_000;

function invoke<A extends unknown[], R, T>(fn: (this: T, ...args: A) => R, thisArg: T, args: A): R {
  return fn.apply(thisArg, args);
}

export class FunctionProfiler {
  private enabled = true;
  private rate = 1;
  private entries = new Map<string, Entry>();
  private tree = new CallTree();
  private observers = new Map<string, Array<(durationMs: number) => void>>();
  /** Which explicit-context traces are timed (see setTimingBudget). */
  private readonly budget = new TimingBudget();

  enable(): void {
    this.enabled = true;
  }
  disable(): void {
    this.enabled = false;
  }
  get isEnabled(): boolean {
    return this.enabled;
  }

  /** Fraction (0..1) of traces profiled; everything inside an unsampled trace is skipped. */
  setSamplingRate(rate: number): void {
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) {
      throw new UsageError(`sampling rate must be a fraction between 0 and 1 (got ${String(rate)})`);
    }
    this.rate = rate;
  }
  get samplingRate(): number {
    return this.rate;
  }

  /**
   * Times every explicit-context trace (beginTrace) up to `tracesPerSecond`; above it, 1 in k,
   * k the power of two that brings the last second's rate within the budget. Calls and errors
   * stay exact; see the class comment. null (the default) or Infinity times every trace.
   */
  setTimingBudget(tracesPerSecond: number | null): void {
    this.budget.set(tracesPerSecond);
  }
  get timingBudget(): number | null {
    return this.budget.perSecond;
  }

  /** Explicit-context traces since the last reset, and how many of them were timed. */
  timing(): { traces: number; timed_traces: number; timing_every: number } {
    return this.budget.counts();
  }

  /** Follows the trace rate now (it does so every second by itself). */
  retune(nowMs?: number): void {
    this.budget.retune(nowMs);
  }

  /** Wraps fn (sync or async) in a span; `this`, arguments, result and errors pass through. */
  profile<A extends unknown[], R, T>(name: string, fn: (this: T, ...args: A) => R): (this: T, ...args: A) => R {
    if (typeof fn !== 'function') throw new UsageError(`profile(${JSON.stringify(name)}): expected a function`);
    this.entry(name); // validates the name now rather than at the first call
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the wrapper needs both `this`es
    const profiler = this;
    const wrapped = function (this: T, ...args: A): R {
      // Looked up per call (one Map get) so that reset() really forgets every name.
      return profiler.span(name, fn, this, args);
    };
    Object.defineProperty(wrapped, 'name', { value: fn.name || name });
    return wrapped;
  }

  /** Runs fn now inside a span named `name` and returns its result. */
  profileBlock<R>(name: string, fn: () => R): R {
    if (typeof fn !== 'function') throw new UsageError(`profileBlock(${JSON.stringify(name)}): expected a function`);
    return this.span(name, fn, undefined, []);
  }

  /**
   * Runs fn as one request trace (a root span): queries inside count toward N+1 per trace,
   * and the sampling rate decides whether anything inside is recorded. Nested in another
   * trace it is an ordinary span.
   */
  trace<R>(name: string, fn: () => R): R {
    if (typeof fn !== 'function') throw new UsageError(`trace(${JSON.stringify(name)}): expected a function`);
    const store = currentStore();
    if (store === UNSAMPLED) return fn();
    if (store !== undefined && store.trace !== null) return this.span(name, fn, undefined, []);
    if (this.rate < 1 && !(Math.random() < this.rate)) return contextStorage.run(UNSAMPLED, fn);
    const trace = newTraceState(name);
    if (!this.enabled) return contextStorage.run({ trace, node: DETACHED, childMs: 0 }, fn);
    return this.run(this.entry(name), fn, undefined, [], store ?? null, trace);
  }

  // ---- explicit context ------------------------------------------------------------------

  /**
   * Opens a request trace without AsyncLocalStorage: for hot paths that pass their context
   * along (AsyncLocalStorage's promise hooks tax every promise of the process on Node 20).
   * Give `handle.store` to child begin()s and to withStore() around queries and cache calls,
   * and end() the handle exactly once.
   *
   * `atMs` (a `performance.now()` the caller has just read) opens the span at that instant
   * instead of reading the clock again: a hot path that reads the clock for itself, or opens
   * and closes spans at one moment, shares the read (~80 ns each on the CI VM).
   */
  beginTrace(name: string, atMs?: number): SpanHandle {
    if (this.rate < 1 && !(Math.random() < this.rate)) return UNSAMPLED_SPAN;
    const trace = newTraceState(name);
    if (!this.enabled) {
      const detached: OpenSpan = { store: { trace, node: DETACHED, childMs: 0 }, entry: null, parent: null, startMs: 0 };
      return detached;
    }
    const entry = this.entry(name);
    // Weight 0 (untimed): a span wrapped by profile() that still runs inside is counted, not timed.
    trace.weight = this.budget.weigh();
    if (trace.weight === 0) return untimedSpan(trace, entry, atMs);
    return this.open(entry, null, trace, atMs);
  }

  /** Opens a span under `parent` (a handle from begin/beginTrace, or null for a root span). */
  begin(name: string, parent: SpanHandle | null, atMs?: number): SpanHandle {
    const ps = parent === null ? undefined : parent.store;
    if (ps === UNSAMPLED) return UNSAMPLED_SPAN;
    // Disabled: keep the parent's store, so queries below still count toward its trace.
    if (!this.enabled) return parent ?? NO_SPAN;
    if (ps instanceof UntimedSpan) return untimedSpan(ps.trace, this.entry(name), atMs);
    const frame = ps ?? null;
    return this.open(this.entry(name), frame, frame === null ? null : frame.trace, atMs);
  }

  /** Closes a span opened by begin/beginTrace (at `atMs` when given, see beginTrace). */
  end(handle: SpanHandle, error = false, atMs?: number): void {
    if (handle instanceof UntimedSpan) {
      const e = handle.entry;
      e.calls++;
      if (error) e.errors++;
      if (e.observers !== null) notify(e.observers, (atMs ?? performance.now()) - handle.startMs);
      return;
    }
    const h = handle as OpenSpan;
    if (h.entry === null || h.entry === undefined) return;
    this.finish(h.entry, h.store as Frame, h.parent, h.startMs, error, atMs);
  }

  /** One object per span (see ExplicitSpan); the call-tree node from the entry's cache when it can. */
  private open(entry: Entry, parent: Frame | null, trace: TraceState | null, atMs: number | undefined): OpenSpan {
    const parentNode = parent === null || parent.node === DETACHED ? null : parent.node;
    let node = entry.lastNode;
    if (node === null || entry.lastParentNode !== parentNode) {
      node = this.tree.child(parentNode, entry.name);
      entry.lastParentNode = parentNode;
      entry.lastNode = node;
    }
    return new ExplicitSpan(trace, node, entry, parent, atMs ?? performance.now());
  }

  /** Calls listener(durationMs) each time a span of this name ends (e.g. Prometheus histograms). */
  observe(name: string, listener: (durationMs: number) => void): () => void {
    const list = this.observers.get(name) ?? [];
    list.push(listener);
    this.observers.set(name, list);
    const e = this.entries.get(name);
    if (e !== undefined) e.observers = list;
    return () => {
      const i = list.indexOf(listener);
      if (i >= 0) list.splice(i, 1);
    };
  }

  private entry(name: string): Entry {
    const known = this.entries.get(name);
    if (known !== undefined) return known;
    // A name seen for the first time: validated once, then looked up as above.
    if (typeof name !== 'string' || name === '') throw new UsageError('span names must be non-empty strings');
    if (this.entries.size >= MAX_FUNCTIONS) return this.entry('(other)');
    const e: Entry = { name, calls: 0, errors: 0, totalMs: 0, selfMs: 0, hist: new LatencyHistogram(), observers: null, lastParentNode: undefined, lastNode: null };
    const obs = this.observers.get(name);
    if (obs !== undefined) e.observers = obs;
    this.entries.set(name, e);
    return e;
  }

  private span<A extends unknown[], R, T>(name: string, fn: (this: T, ...args: A) => R, thisArg: T, args: A): R {
    if (!this.enabled) return fn.apply(thisArg, args);
    const store = currentStore();
    if (store === UNSAMPLED) return fn.apply(thisArg, args);
    const parent = store ?? null;
    return this.run(this.entry(name), fn, thisArg, args, parent, parent === null ? null : parent.trace);
  }

  private run<A extends unknown[], R, T>(
    entry: Entry,
    fn: (this: T, ...args: A) => R,
    thisArg: T,
    args: A,
    parent: Frame | null,
    trace: TraceState | null,
  ): R {
    const parentNode = parent === null || parent.node === DETACHED ? null : parent.node;
    const frame: Frame = { trace, node: this.tree.child(parentNode, entry.name), childMs: 0 };
    const startMs = performance.now();
    let result: R;
    try {
      result = contextStorage.run(frame, invoke, fn, thisArg, args);
    } catch (err) {
      this.finish(entry, frame, parent, startMs, true);
      throw err;
    }
    // Only native promises: calling `then` on an arbitrary thenable (a query builder) could run it.
    if (result instanceof Promise) {
      return result.then(
        (value: unknown) => {
          this.finish(entry, frame, parent, startMs, false);
          return value;
        },
        (err: unknown) => {
          this.finish(entry, frame, parent, startMs, true);
          throw err;
        },
      ) as R;
    }
    this.finish(entry, frame, parent, startMs, false);
    return result;
  }

  private finish(entry: Entry, frame: Frame, parent: Frame | null, startMs: number, error: boolean, atMs?: number): void {
    const durationMs = (atMs ?? performance.now()) - startMs;
    // Concurrent children (Promise.all) can add up to more than the parent's wall time.
    const selfMs = durationMs > frame.childMs ? durationMs - frame.childMs : 0;
    // A timed trace standing for `w` (see setTimingBudget): times weighted, the count exact.
    const trace = frame.trace;
    const w = trace === null ? 1 : trace.weight;
    entry.calls++;
    entry.totalMs += durationMs * w;
    entry.selfMs += selfMs * w;
    entry.hist.record(durationMs, w);
    const node = frame.node;
    node.calls += w;
    node.totalMs += durationMs * w;
    node.selfMs += selfMs * w;
    if (error) {
      entry.errors++;
      node.errors += w;
    }
    if (parent !== null) parent.childMs += durationMs;
    if (entry.observers !== null) notify(entry.observers, durationMs);
  }

  // ---- reading -------------------------------------------------------------------------

  /** Statistics of one span name (undefined if never called), or of all, most total time first. */
  getStats(): FunctionStats[];
  getStats(name: string): FunctionStats | undefined;
  getStats(name?: string): FunctionStats[] | FunctionStats | undefined {
    if (name !== undefined) {
      const e = this.entries.get(name);
      return e === undefined || e.calls === 0 ? undefined : toStats(e);
    }
    const out: FunctionStats[] = [];
    for (const e of this.entries.values()) if (e.calls > 0) out.push(toStats(e));
    return out.sort((a, b) => b.total_ms - a.total_ms);
  }

  getCallTree(): CallTreeNode[] {
    return this.tree.toReport();
  }

  /** Each span name's latency histogram (for snapshots and merging). */
  histograms(): Map<string, LatencyHistogram> {
    const out = new Map<string, LatencyHistogram>();
    for (const e of this.entries.values()) if (e.calls > 0) out.set(e.name, e.hist);
    return out;
  }

  /** A V8 CPU profile of this process over `durationMs` (a `.cpuprofile` object). */
  captureCpuProfile(durationMs: number, options?: CpuProfileOptions): Promise<CpuProfile> {
    return captureCpuProfile(durationMs, options);
  }

  /** Forgets everything recorded; wrappers made by profile() and observers keep working. */
  reset(): void {
    this.entries = new Map();
    this.tree.reset();
    this.budget.resetCounts();
  }
}

function toStats(e: Entry): FunctionStats {
  const [, p95, p99] = percentilesOf(e.hist);
  return {
    name: e.name,
    calls: e.calls,
    errors: e.errors,
    total_ms: e.totalMs,
    self_ms: e.selfMs,
    mean_ms: e.totalMs / e.calls,
    p95_ms: p95,
    p99_ms: p99,
  };
}
