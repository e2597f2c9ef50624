import type { LoadConfig } from './config.js';
import type { RequestFeed } from './feed.js';
import type { RequestSlot } from './slot.js';
import type { RunState } from './stats.js';
import type { PlannedRequest, RecordedRequest } from './types.js';

/** What a scheduling model (closed users, open arrivals) needs from the generator. */
export interface SchedulerHost {
  readonly config: LoadConfig;
  readonly feed: RequestFeed;
  readonly state: RunState;
  /** ms after the start at which the load phase ends (Infinity for replay: the source decides). */
  readonly loadEndMs: number;
  /** performance.now() at the start of the run. */
  readonly startAbsMs: number;
  accepting(): boolean;
  /** True while inside the HTTP client's dispatch(): a synchronous failure must not recurse. */
  dispatching(): boolean;
  nowMs(): number;
  /** Runs fn at offsetMs after the start; cancelled when the run drains. */
  at(offsetMs: number, fn: () => void): void;
  /** A new reusable request slot whose completions come back through the host. */
  newSlot(index: number): RequestSlot;
  dispatch(slot: RequestSlot, req: PlannedRequest | RecordedRequest): void;
  /** The load's natural end (cool-down, then drain). */
  endLoad(): void;
  fail(err: unknown): void;
}

export interface Scheduler {
  start(): void;
  /** A slot's request completed (already recorded); decide what it does next. */
  completed(slot: RequestSlot): void;
  /** A think-time timer ran out (closed model). */
  resume(slot: RequestSlot): void;
  /** No new requests from now on: cancel timers, stop users. */
  stop(): void;
}
