import { performance } from 'node:perf_hooks';
import { newNode } from './call-tree.js';
import { UNSAMPLED, type CallNode, type Frame, type Store, type TraceState } from './context.js';
import type { LatencyHistogram } from './histogram.js';

/** The function profiler's per-name records and its span objects (see function-profiler.ts). */

export interface Entry {
  readonly name: string;
  calls: number;
  errors: number;
  totalMs: number;
  selfMs: number;
  readonly hist: LatencyHistogram;
  observers: Array<(durationMs: number) => void> | null;
  /**
   * The call-tree node this name last got under `lastParentNode`: a span name nearly always
   * opens under the same parent (evaluate_policy under http_request), so the tree's Map lookup
   * is skipped. Entries and the tree are replaced together by reset().
   */
  lastParentNode: CallNode | null | undefined;
  lastNode: CallNode | null;
}

/** Trace context for when span recording is disabled (never part of the tree). */
export const DETACHED: CallNode = newNode('(detached)');

/**
 * An open explicit-context span (FunctionProfiler.begin). `store` is what children and
 * withStore() need; end() closes it.
 */
export interface SpanHandle {
  readonly store: Store | undefined;
}

export interface OpenSpan extends SpanHandle {
  readonly entry: Entry | null;
  readonly parent: Frame | null;
  readonly startMs: number;
}

/**
 * An open explicit-context span that is its own frame: children and withStore() see it as the
 * store, so opening a span allocates one object, not a frame and a handle.
 */
export class ExplicitSpan implements Frame, OpenSpan {
  readonly store: Frame;
  childMs = 0;
  constructor(
    readonly trace: TraceState | null,
    readonly node: CallNode,
    readonly entry: Entry,
    readonly parent: Frame | null,
    readonly startMs: number,
  ) {
    this.store = this;
  }
}

/**
 * A span of an untimed trace (see setTimingBudget): counted when it ends, never timed unless
 * its name is observed. Its own frame, so queries below still know their trace (N+1 counts
 * stay exact); no call-tree node.
 */
export class UntimedSpan implements Frame, OpenSpan {
  readonly store: Frame;
  readonly node: CallNode = DETACHED;
  readonly parent = null;
  childMs = 0;
  constructor(
    readonly trace: TraceState,
    readonly entry: Entry,
    /** Read only when the name has observers. */
    readonly startMs: number,
  ) {
    this.store = this;
  }
}

/** An untimed trace's span; its start is read only when the name has observers. */
export function untimedSpan(trace: TraceState, entry: Entry, atMs: number | undefined): UntimedSpan {
  return new UntimedSpan(trace, entry, entry.observers === null ? 0 : (atMs ?? performance.now()));
}

export function notify(observers: Array<(durationMs: number) => void>, durationMs: number): void {
  for (let i = 0; i < observers.length; i++) (observers[i] as (durationMs: number) => void)(durationMs);
}

export const NO_SPAN: OpenSpan = { store: undefined, entry: null, parent: null, startMs: 0 };
export const UNSAMPLED_SPAN: OpenSpan = { store: UNSAMPLED, entry: null, parent: null, startMs: 0 };
