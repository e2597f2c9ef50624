import type { Dispatcher } from 'undici';
import { classifyError, classifyStatus } from './classify.js';
import type { ErrorClass, PlannedRequest } from './types.js';

/** What a slot reports to when its request ends (the generator). */
export interface SlotOwner {
  complete(slot: RequestSlot, error: ErrorClass | null): void;
  /** Closed model: called by the think-time timer to send the user's next request. */
  resume(slot: RequestSlot): void;
}

/**
 * One outstanding request, and its undici dispatch handler. A slot is reused for request after
 * request (one per virtual user in the closed model, from a free list in the open model), so the
 * hot path allocates no handler, no closure and no options object: only the trace record.
 * The handler uses undici's classic callbacks (onConnect/onHeaders/onData/onComplete/onError),
 * which undici calls directly; the newer controller API would wrap each request in an adapter.
 */
export class RequestSlot implements Dispatcher.DispatchHandler {
  req: PlannedRequest | null = null;
  /** Intended start, ms after the run's start (t_offset_ms of the trace). */
  intendedMs = 0;
  /** Intended start on the performance.now() clock: latency is measured from here. */
  startAbsMs = 0;
  status = 0;
  /** Closed model: this virtual user is still running. */
  active = false;
  thinkTimer: NodeJS.Timeout | null = null;
  readonly opts: Dispatcher.DispatchOptions;
  /** Bound once, reused as the think-time timer callback. */
  readonly resumeBound: () => void;

  constructor(
    private readonly owner: SlotOwner,
    readonly index: number,
    timeoutMs: number,
  ) {
    this.opts = {
      path: '/',
      method: 'GET',
      body: null,
      headers: undefined,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    };
    this.resumeBound = () => {
      this.thinkTimer = null;
      this.owner.resume(this);
    };
  }

  onConnect(): void {
    this.status = 0;
  }

  onHeaders(statusCode: number): boolean {
    this.status = statusCode;
    return true;
  }

  onData(): boolean {
    // The body is read and discarded: its bytes are part of the latency, not of our memory.
    return true;
  }

  onComplete(): void {
    this.owner.complete(this, classifyStatus(this.status));
  }

  onError(err: Error): void {
    this.owner.complete(this, classifyError(err));
  }
}
