import { arrivalOffsetMs } from './schedule.js';
import type { Scheduler, SchedulerHost } from './scheduler.js';
import type { RequestSlot } from './slot.js';
import type { PlannedRequest, RecordedRequest } from './types.js';

/**
 * Open model: requests start on a schedule, whatever the responses (constant rate after a
 * linear ramp; or, for a paced replay, each recorded request's t_offset_ms). Latency counts from
 * the intended start, so when the target stalls, the requests that should have gone out
 * meanwhile carry the wait (no coordinated omission, as in wrk2).
 */

/**
 * At most 8,192 requests outstanding. Arrivals beyond that wait for a free slot; their latency
 * still counts from the intended start, so the cap bounds memory without hiding any delay.
 */
const MAX_OPEN_IN_FLIGHT = 8192;
/**
 * Waiting for the next arrival sleeps on a timer and never spins: the generator usually shares
 * the machine with the target, and an event loop spinning on setImmediate between sub-ms
 * arrivals burned a whole core (at 2,000 req/s it took twice the CPU of the embedded server it
 * drove, which then queued for a core). A timer fires on the millisecond, up to ~1 ms after the
 * intended start; every arrival that has come by then is sent in that turn, and each request's
 * latency still counts from its intended start, so the timer's lateness is measured, not hidden.
 */
const MIN_TIMER_MS = 1;

export class OpenScheduler implements Scheduler {
  private readonly slots: RequestSlot[] = [];
  private readonly free: RequestSlot[] = [];
  private next: { req: PlannedRequest | RecordedRequest; intendedMs: number } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private pumping = false;
  private endScheduled = false;

  constructor(
    private readonly host: SchedulerHost,
    /** Arrival rate for generated load; null for a paced replay (recorded offsets). */
    private readonly rate: number | null,
  ) {}

  start(): void {
    this.pump();
  }

  completed(slot: RequestSlot): void {
    this.free.push(slot);
    if (this.next !== null && this.next.intendedMs <= this.host.nowMs()) this.pump();
  }

  resume(): void {
    // No think time in the open model.
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Sends every request whose intended start has come, then waits for the next one. */
  private readonly pump = (): void => {
    const host = this.host;
    if (this.pumping || !host.accepting()) return;
    this.pumping = true;
    try {
      const now = host.nowMs();
      while (host.accepting()) {
        const next = this.next ?? this.takeNext();
        if (next === null) break;
        if (next.intendedMs >= host.loadEndMs) {
          // Every arrival of the schedule has been sent: end on time (at once if we are late).
          if (!this.endScheduled) {
            this.endScheduled = true;
            host.at(host.loadEndMs, () => host.endLoad());
          }
          break;
        }
        if (next.intendedMs > now) {
          this.wait(next.intendedMs - now);
          break;
        }
        const slot = this.free.pop() ?? (this.slots.length < MAX_OPEN_IN_FLIGHT ? this.newSlot() : null);
        if (slot === null) break; // the next completion resumes us
        this.next = null;
        slot.intendedMs = next.intendedMs;
        slot.startAbsMs = host.startAbsMs + next.intendedMs;
        host.dispatch(slot, next.req);
      }
    } catch (err) {
      host.fail(err);
    } finally {
      this.pumping = false;
    }
  };

  private takeNext(): { req: PlannedRequest | RecordedRequest; intendedMs: number } | null {
    const req = this.host.feed.take();
    if (req === undefined) {
      this.host.feed.whenReady(this.pump);
      return null;
    }
    if (req === null) {
      this.host.endLoad();
      return null;
    }
    const intendedMs =
      this.rate === null ? (req as RecordedRequest).t_offset_ms : arrivalOffsetMs(req.seq, this.rate, this.host.config.rampUpS);
    this.next = { req, intendedMs };
    return this.next;
  }

  private newSlot(): RequestSlot {
    const slot = this.host.newSlot(this.slots.length);
    this.slots.push(slot);
    return slot;
  }

  private wait(delayMs: number): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.pump();
      },
      Math.max(MIN_TIMER_MS, Math.floor(delayMs)),
    );
  }
}
