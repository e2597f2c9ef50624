import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The one trace/span context shared by every profiler. A request trace
 * (`functionProfiler.trace()`) and each span inside it (`profile()`, `profileBlock()`) run with
 * a `Frame` in this AsyncLocalStorage, so a query or a cache call issued anywhere below knows
 * which request it belongs to (N+1 detection counts per trace) and whether the trace is sampled.
 */

/** Per-trace, per-fingerprint counter used by N+1 detection (see n-plus-one.ts). */
export interface TraceFingerprintCount {
  count: number;
  /** Sum of the durations of this fingerprint's queries in the trace that have completed. */
  durationMs: number;
  /** Set once the count reached the N+1 threshold: the finding this trace contributes to. */
  finding: { totalMs: number } | null;
}

export interface TraceState {
  readonly id: number;
  readonly name: string;
  /**
   * How many traces this one's span timings stand for: 1, or k when the function profiler
   * times 1 in k traces (see FunctionProfiler.setTimingBudget), 0 in a trace it does not time.
   * Counts are never weighted.
   */
  weight: number;
  /** Fingerprint key -> count in this trace; allocated on the first query of the trace. */
  fingerprints: Map<string, TraceFingerprintCount> | null;
}

/** A tree node of the call tree, keyed by the path of span names from a root span. */
export interface CallNode {
  readonly name: string;
  calls: number;
  errors: number;
  totalMs: number;
  selfMs: number;
  children: Map<string, CallNode> | null;
}

export interface Frame {
  /** The request trace this frame belongs to; null for spans outside any trace. */
  readonly trace: TraceState | null;
  /** The span's call-tree node. */
  readonly node: CallNode;
  /** Sum of the durations of child spans that have finished (for self time). */
  childMs: number;
}

/**
 * The store of an unsampled trace: every profiler records nothing while it is current, and
 * spans opened below it stay unsampled without allocating.
 */
export const UNSAMPLED: unique symbol = Symbol('sark-workbench.unsampled');

export type Store = Frame | typeof UNSAMPLED;

export const contextStorage = new AsyncLocalStorage<Store>();

let nextTraceId = 1;

export function newTraceState(name: string): TraceState {
  return { id: nextTraceId++, name, weight: 1, fingerprints: null };
}

/**
 * A store set synchronously by withStore(): code that passes its context explicitly (see
 * FunctionProfiler.begin) makes its queries and cache calls see it without AsyncLocalStorage,
 * whose promise hooks cost every promise of the process (~0.2 µs each on Node 20).
 */
let syncStore: Store | undefined;

/** The current frame, UNSAMPLED, or undefined outside any span. */
export function currentStore(): Store | undefined {
  return syncStore !== undefined ? syncStore : contextStorage.getStore();
}

/**
 * Runs fn with `store` as the current store for its synchronous part: a query or cache command
 * *issued* inside (pg and ioredis read the store when the call is made) belongs to that span.
 */
export function withStore<R>(store: Store | undefined, fn: () => R): R {
  const previous = syncStore;
  syncStore = store;
  try {
    return fn();
  } finally {
    syncStore = previous;
  }
}
