import { performance } from 'node:perf_hooks';
import { ClosedScheduler } from './closed-scheduler.js';
import { parseLoadConfig, type LoadConfig, type LoadConfigInput } from './config.js';
import { LoadEventEmitter } from './emitter.js';
import { GeneratedFeed, ReplayFeed, type ReplaySource, type RequestFeed } from './feed.js';
import { OpenScheduler } from './open-scheduler.js';
import type { Scheduler, SchedulerHost } from './scheduler.js';
import { HttpSender } from './sender.js';
import { RequestSlot, type SlotOwner } from './slot.js';
import { LoadStats, type RunState } from './stats.js';
import { TraceBuffer } from './trace.js';
import type {
  ErrorClass,
  LoadEventName,
  LoadEvents,
  LoadRun,
  LoadTotals,
  Phase,
  PlannedRequest,
  RecordedRequest,
  TraceRecord,
} from './types.js';

/**
 * The load generator, in the calling thread: a scheduling model (closed users, open arrivals,
 * or a replay) feeding one undici Pool (keep-alive, pipelining 1), with per-second stats, the
 * ordered request trace, phases and totals as events.
 *
 * For a recorder that also writes SQLite, use startLoadWorker() (worker.ts): the same generator
 * on its own event loop, so store flushes never show up as request latency.
 */

/** After the end (or stop()), in-flight requests get timeoutMs plus this margin before the pool is destroyed. */
const DRAIN_MARGIN_MS = 1000;

export interface LoadGeneratorOptions {
  /** Replay a recorded trace instead of generating the sequence (see replaySource()). */
  source?: ReplaySource;
  /** Worker only: whether the consumer can take another trace batch (false: dropped and counted). */
  traceGate?: () => boolean;
}

export class LoadGenerator extends LoadEventEmitter implements LoadRun, SlotOwner, SchedulerHost {
  readonly config: LoadConfig;
  readonly done: Promise<LoadTotals>;
  readonly feed: RequestFeed;
  readonly state: RunState = { phase: 'ramp-up', inFlight: 0, activeUsers: 0 };
  readonly loadEndMs: number;
  startAbsMs = 0;
  private resolveDone!: (t: LoadTotals) => void;
  private rejectDone!: (err: unknown) => void;
  private readonly model: LoadTotals['model'];
  private readonly scheduler: Scheduler;
  private readonly stats: LoadStats;
  private readonly trace: TraceBuffer | null;
  private readonly traceGate: (() => boolean) | undefined;
  private sender: HttpSender | null = null;
  private timers: NodeJS.Timeout[] = [];
  private secondTimer: NodeJS.Timeout | null = null;
  private drainTimer: NodeJS.Timeout | null = null;
  private started = false;
  private acceptingRequests = false;
  private draining = false;
  private finished = false;
  private aborting = false;
  private stopped = false;
  private failure: unknown = null;
  private inDispatch = false;
  private sent = 0;
  private traceDropped = 0;

  /** Validates the config (UsageError naming the field on bad input); nothing starts until run(). */
  constructor(config: LoadConfigInput | LoadConfig, options: LoadGeneratorOptions = {}) {
    super();
    this.config = parseLoadConfig(config);
    const c = this.config;
    this.done = new Promise<LoadTotals>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // A caller that only listens to events must not crash the process when a run fails.
    this.done.catch(() => undefined);
    this.traceGate = options.traceGate;
    const src = options.source;
    this.model = src ? (src.asFastAsPossible ? 'replay-fast' : 'replay-paced') : c.rate === null ? 'closed' : 'open';
    this.feed = src ? new ReplayFeed(src, (err) => this.fail(err)) : new GeneratedFeed(c);
    this.loadEndMs = src ? Infinity : (c.rampUpS + c.durationS) * 1000;
    this.scheduler =
      this.model === 'closed'
        ? new ClosedScheduler(this, { rampUpS: c.rampUpS, thinkTimeMs: c.thinkTimeMs })
        : this.model === 'replay-fast'
          ? new ClosedScheduler(this, { rampUpS: 0, thinkTimeMs: 0 })
          : new OpenScheduler(this, this.model === 'open' ? c.rate : null);
    this.stats = new LoadStats((s) => this.safeEmit('second', s), this.state);
    this.trace = c.trace ? new TraceBuffer((batch) => this.deliverTrace(batch)) : null;
  }

  /** Starts the run (once) and resolves with the totals when it ends. */
  run(): Promise<LoadTotals> {
    if (this.started) return this.done;
    this.started = true;
    const c = this.config;
    this.sender = new HttpSender(c);
    this.startAbsMs = performance.now();
    this.acceptingRequests = true;
    this.scheduleSecondTick();
    const generated = this.model === 'closed' || this.model === 'open';
    this.setPhase(generated && c.rampUpS > 0 ? 'ramp-up' : 'sustained', true);
    if (generated && c.rampUpS > 0) this.at(c.rampUpS * 1000, () => this.setPhase('sustained'));
    // The open model ends from its scheduler, once every arrival before the end has been sent.
    if (this.model === 'closed') this.at(this.loadEndMs, () => this.endLoad());
    this.scheduler.start();
    return this.done;
  }

  /** Ends early: no new requests, cool-down skipped, in-flight ones awaited (bounded by timeoutMs). */
  stop(): Promise<LoadTotals> {
    if (this.finished || this.stopped) return this.done;
    this.stopped = true;
    if (!this.started) {
      this.started = true;
      this.startAbsMs = performance.now();
      void this.finishRun();
    } else {
      this.drain();
    }
    return this.done;
  }

  // ---- SchedulerHost ----------------------------------------------------------------------

  accepting(): boolean {
    return this.acceptingRequests;
  }

  dispatching(): boolean {
    return this.inDispatch;
  }

  nowMs(): number {
    return performance.now() - this.startAbsMs;
  }

  at(offsetMs: number, fn: () => void): void {
    this.timers.push(setTimeout(fn, Math.max(0, offsetMs - this.nowMs())));
  }

  newSlot(index: number): RequestSlot {
    return new RequestSlot(this, index, this.config.timeoutMs);
  }

  dispatch(slot: RequestSlot, req: PlannedRequest | RecordedRequest): void {
    slot.req = req;
    slot.status = 0;
    this.state.inFlight++;
    this.sent++;
    this.inDispatch = true;
    try {
      (this.sender as HttpSender).send(slot, req);
    } finally {
      this.inDispatch = false;
    }
  }

  /** The load's natural end: cool-down (users stop, seconds keep coming while the target settles), then drain. */
  endLoad(): void {
    if (this.draining || this.finished || !this.acceptingRequests) return;
    this.acceptingRequests = false;
    this.scheduler.stop();
    if (this.config.coolDownS > 0) {
      this.setPhase('cool-down');
      this.at(this.nowMs() + this.config.coolDownS * 1000, () => this.drain());
    } else {
      this.drain();
    }
  }

  /** The run cannot go on (a listener threw, a replay source broke): stop now and reject `done`. */
  fail(err: unknown): void {
    if (this.failure !== null || this.finished) return;
    this.failure = err;
    this.aborting = true;
    this.draining = true;
    this.acceptingRequests = false;
    this.scheduler.stop();
    void this.finishRun();
  }

  // ---- SlotOwner --------------------------------------------------------------------------

  complete(slot: RequestSlot, error: ErrorClass | null): void {
    const endAbs = performance.now();
    const req = slot.req;
    if (req === null) return;
    slot.req = null;
    this.state.inFlight--;
    // Requests cut off after the drain grace period did not answer within timeoutMs.
    const cls = this.aborting && error !== null ? 'timeout' : error;
    const latencyMs = endAbs - slot.startAbsMs;
    this.stats.record(req.kind, latencyMs, cls, endAbs - this.startAbsMs);
    if (this.trace !== null) {
      const rec: TraceRecord = {
        seq: req.seq,
        t_offset_ms: slot.intendedMs,
        kind: req.kind,
        method: req.method,
        path: req.path,
        body: req.body,
        status: slot.status,
        latency_ms: latencyMs,
        error_class: cls,
      };
      this.trace.add(rec);
    }
    if (!this.finished) this.scheduler.completed(slot);
    if (this.draining && this.state.inFlight === 0) void this.finishRun();
  }

  resume(slot: RequestSlot): void {
    this.scheduler.resume(slot);
  }

  // ---- the end ----------------------------------------------------------------------------

  /** No new requests; wait for the in-flight ones (bounded by timeoutMs + margin), then finish. */
  private drain(): void {
    if (this.draining || this.finished) return;
    this.draining = true;
    this.acceptingRequests = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    this.scheduler.stop();
    if (this.state.inFlight === 0) {
      void this.finishRun();
      return;
    }
    this.setPhase('draining');
    this.drainTimer = setTimeout(() => {
      this.aborting = true;
      void this.sender?.destroy();
    }, this.config.timeoutMs + DRAIN_MARGIN_MS);
  }

  private async finishRun(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    this.acceptingRequests = false;
    const endMs = this.nowMs();
    for (const t of this.timers) clearTimeout(t);
    if (this.secondTimer !== null) clearTimeout(this.secondTimer);
    if (this.drainTimer !== null) clearTimeout(this.drainTimer);
    try {
      const sender = this.sender;
      this.sender = null;
      if (sender !== null) await (this.aborting ? sender.destroy() : sender.close());
      if (this.failure !== null) throw this.failure;
      this.stats.finish(endMs);
      this.trace?.close();
      this.setPhase('done');
      const totals = this.stats.loadTotals({
        reason: this.stopped ? 'stopped' : 'completed',
        model: this.model,
        seed: this.config.seed,
        durationS: endMs / 1000,
        sent: this.sent,
        traceDropped: this.traceDropped,
      });
      this.emitEvent('done', totals);
      this.resolveDone(totals);
    } catch (err) {
      this.rejectDone(this.failure ?? err);
    }
  }

  // ---- events -----------------------------------------------------------------------------

  private setPhase(phase: Phase, initial = false): void {
    if (this.state.phase === phase && !initial) return;
    this.state.phase = phase;
    this.safeEmit('phase', { phase, t_ms: this.nowMs() });
  }

  /** Closes seconds on time even when no request completes, and flushes the trace once a second. */
  private scheduleSecondTick(): void {
    const delayMs = Math.max(1, this.stats.secondEndMs - this.nowMs() + 1);
    this.secondTimer = setTimeout(() => {
      this.secondTimer = null;
      if (this.finished) return;
      this.stats.rollTo(this.nowMs());
      this.trace?.flush();
      this.scheduleSecondTick();
    }, delayMs);
  }

  private deliverTrace(batch: TraceRecord[]): void {
    if (this.traceGate !== undefined && !this.traceGate()) {
      this.traceDropped += batch.length;
      return;
    }
    this.safeEmit('trace', batch);
  }

  private safeEmit<K extends LoadEventName>(event: K, payload: LoadEvents[K]): void {
    try {
      this.emitEvent(event, payload);
    } catch (err) {
      this.fail(err);
    }
  }
}
