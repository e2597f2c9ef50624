import type { Scheduler, SchedulerHost } from './scheduler.js';
import type { RequestSlot } from './slot.js';

/**
 * The closed model (the seed's Locust setup): N virtual users, user i starting at
 * i * rampUpS / N, each sending its next request when the previous one completed (after
 * thinkTimeMs). Replay "as fast as possible" is the same loop with every user started at once
 * and no think time. Each user owns one reusable slot.
 */
export class ClosedScheduler implements Scheduler {
  private readonly users: RequestSlot[] = [];
  private waiting: RequestSlot[] = [];
  private exhausted = false;

  constructor(
    private readonly host: SchedulerHost,
    private readonly options: { rampUpS: number; thinkTimeMs: number },
  ) {}

  start(): void {
    const n = this.host.config.users;
    const rampMs = this.options.rampUpS * 1000;
    for (let i = 0; i < n; i++) {
      const slot = this.host.newSlot(i);
      this.users.push(slot);
      const startMs = (i * rampMs) / n;
      if (startMs <= 0) this.startUser(slot);
      else this.host.at(startMs, () => this.startUser(slot));
    }
  }

  completed(slot: RequestSlot): void {
    if (!slot.active) return; // stopped by the cool-down or stop(): sends nothing more
    if (!this.host.accepting()) this.userStops(slot);
    else if (this.options.thinkTimeMs > 0) slot.thinkTimer = setTimeout(slot.resumeBound, this.options.thinkTimeMs);
    else this.issue(slot);
  }

  resume(slot: RequestSlot): void {
    if (slot.active) this.issue(slot);
  }

  stop(): void {
    for (const slot of this.users) {
      if (slot.thinkTimer !== null) {
        clearTimeout(slot.thinkTimer);
        slot.thinkTimer = null;
      }
      this.userStops(slot);
    }
    this.waiting = [];
  }

  private startUser(slot: RequestSlot): void {
    if (!this.host.accepting()) return;
    slot.active = true;
    this.host.state.activeUsers++;
    this.issue(slot);
  }

  private userStops(slot: RequestSlot): void {
    if (!slot.active) return;
    slot.active = false;
    this.host.state.activeUsers--;
    // A replay ends when its last user has found the source empty (the others were still busy).
    if (this.exhausted && this.host.state.activeUsers === 0) this.host.endLoad();
  }

  private issue(slot: RequestSlot): void {
    const host = this.host;
    // Checked before taking a request, so the sequence has no gap where the load ended.
    if (!host.accepting() || host.nowMs() >= host.loadEndMs) {
      this.userStops(slot);
      return;
    }
    if (host.dispatching()) {
      // The previous request failed synchronously inside dispatch(): continue on a fresh stack.
      setImmediate(slot.resumeBound);
      return;
    }
    let req;
    try {
      req = host.feed.take();
    } catch (err) {
      host.fail(err);
      return;
    }
    if (req === undefined) {
      this.waiting.push(slot);
      if (this.waiting.length === 1) host.feed.whenReady(() => this.resumeWaiting());
      return;
    }
    if (req === null) {
      this.exhausted = true;
      this.userStops(slot);
      return;
    }
    const now = performance.now();
    slot.intendedMs = now - host.startAbsMs;
    slot.startAbsMs = now;
    host.dispatch(slot, req);
  }

  private resumeWaiting(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const slot of waiting) if (slot.active) this.issue(slot);
  }
}
