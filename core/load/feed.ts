import { UsageError } from '../common/errors.js';
import type { LoadConfig } from './config.js';
import { RequestPlanner } from './sequence.js';
import { REQUEST_KINDS, type PlannedRequest, type RecordedRequest, type RequestKind } from './types.js';

/**
 * Where the scheduler takes its next request from: the generated sequence (never runs dry) or a
 * replay source (a recorded trace, possibly streamed asynchronously from the store or from the
 * main thread into a worker).
 */
export interface RequestFeed {
  /** The next request; `null` when the source is exhausted; `undefined` when not ready yet. */
  take(): PlannedRequest | RecordedRequest | null | undefined;
  /** After take() returned undefined: calls `cb` once more requests (or the end) are available. */
  whenReady(cb: () => void): void;
}

export class GeneratedFeed implements RequestFeed {
  private readonly planner: RequestPlanner;
  constructor(config: LoadConfig) {
    this.planner = new RequestPlanner(config);
  }
  take(): PlannedRequest {
    return this.planner.next();
  }
  whenReady(cb: () => void): void {
    queueMicrotask(cb);
  }
}

/** What replay needs from a recorded trace row, in its original order. */
export type ReplayRequests = Iterable<RecordedRequest> | AsyncIterable<RecordedRequest>;

export interface ReplaySource {
  readonly requests: ReplayRequests;
  /** Ignore the recorded pacing: `users` virtual users send the requests back to back. */
  readonly asFastAsPossible: boolean;
}

/**
 * A replay source: the same requests, in the same order, at the recorded pacing (each request
 * sent at its t_offset_ms, latency measured from then) or as fast as possible.
 */
export function replaySource(requests: ReplayRequests, options: { asFastAsPossible?: boolean } = {}): ReplaySource {
  return { requests, asFastAsPossible: options.asFastAsPossible ?? false };
}

/** Prefetch window for async sources: refill below LOW, up to HIGH (bounded memory). */
const PREFETCH_LOW = 2048;
const PREFETCH_HIGH = 8192;

function isAsync(r: ReplayRequests): r is AsyncIterable<RecordedRequest> {
  return typeof (r as AsyncIterable<RecordedRequest>)[Symbol.asyncIterator] === 'function';
}

/** Validates a recorded row (it comes from a file or a database) and renumbers it in send order. */
function toRequest(row: RecordedRequest, seq: number): RecordedRequest {
  const kind = row.kind as RequestKind;
  if (!(REQUEST_KINDS as readonly string[]).includes(kind)) throw new UsageError(`replay request ${row.seq}: unknown kind '${String(row.kind)}'`);
  if (typeof row.method !== 'string' || typeof row.path !== 'string' || !row.path.startsWith('/')) {
    throw new UsageError(`replay request ${row.seq}: needs a method and a path starting with '/'`);
  }
  const offset = Number(row.t_offset_ms);
  if (!Number.isFinite(offset) || offset < 0) throw new UsageError(`replay request ${row.seq}: bad t_offset_ms '${String(row.t_offset_ms)}'`);
  const body = row.body === undefined ? null : row.body;
  if (body !== null && typeof body !== 'string') throw new UsageError(`replay request ${row.seq}: body must be text or null`);
  return { seq, kind, method: row.method, path: row.path, body, t_offset_ms: offset };
}

export class ReplayFeed implements RequestFeed {
  private seq = 0;
  private readonly syncIt: Iterator<RecordedRequest> | null = null;
  private readonly asyncIt: AsyncIterator<RecordedRequest> | null = null;
  private buffer: RecordedRequest[] = [];
  private head = 0;
  private ended = false;
  private filling = false;
  private waiters: (() => void)[] = [];
  /** Set when the source failed (bad row, broken stream); the generator fails the run with it. */
  error: unknown = null;

  constructor(source: ReplaySource, private readonly onError: (err: unknown) => void) {
    if (isAsync(source.requests)) this.asyncIt = source.requests[Symbol.asyncIterator]();
    else this.syncIt = source.requests[Symbol.iterator]();
  }

  take(): RecordedRequest | null | undefined {
    if (this.syncIt !== null) {
      const r = this.syncIt.next();
      if (r.done) return null;
      return toRequest(r.value, this.seq++);
    }
    if (this.head < this.buffer.length) {
      const r = this.buffer[this.head++] as RecordedRequest;
      if (this.head > PREFETCH_HIGH) {
        this.buffer = this.buffer.slice(this.head);
        this.head = 0;
      }
      if (this.buffer.length - this.head < PREFETCH_LOW) void this.fill();
      return r;
    }
    if (this.ended) return null;
    void this.fill();
    return undefined;
  }

  whenReady(cb: () => void): void {
    if (!this.waiters.includes(cb)) this.waiters.push(cb);
    void this.fill();
  }

  private async fill(): Promise<void> {
    if (this.filling || this.ended || this.asyncIt === null) return;
    this.filling = true;
    try {
      while (!this.ended && this.buffer.length - this.head < PREFETCH_HIGH) {
        const r = await this.asyncIt.next();
        if (r.done) this.ended = true;
        else this.buffer.push(toRequest(r.value, this.seq++));
        if (this.waiters.length > 0) this.wake();
      }
    } catch (err) {
      this.ended = true;
      this.error = err;
      this.onError(err);
    } finally {
      this.filling = false;
      this.wake();
    }
  }

  private wake(): void {
    const w = this.waiters;
    if (w.length === 0) return;
    this.waiters = [];
    for (const cb of w) cb();
  }
}
