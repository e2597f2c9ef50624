import { IntDistribution } from './bounded.js';
import type { PoolExhaustionEvent, PoolSection } from './report-types.js';
import type { PoolSample } from './snapshot-types.js';

/**
 * Statistics over a pool's samples: distributions of checked-out, overflow and waiting
 * clients (exact: they are small integers), exhaustion events (contiguous samples with callers
 * waiting: start, duration, peak), the share of time exhausted (time-weighted between
 * samples), and the samples not yet handed to a snapshot.
 */

/** Exhaustion events listed (all are counted). */
const MAX_EVENTS = 1_000;

interface OpenEvent {
  startMs: number;
  lastMs: number;
  peak: number;
}

export type SampleSection = Pick<
  PoolSection,
  'samples' | 'checked_out' | 'overflow' | 'waiting' | 'exhaustion_events' | 'exhaustion_time_pct' | 'events'
>;

export class PoolSampleStats {
  private checkedOut = new IntDistribution();
  private overflow = new IntDistribution();
  private waiting = new IntDistribution();
  private recent: PoolSample[] = [];
  private events: PoolExhaustionEvent[] = [];
  private eventCount = 0;
  private open: OpenEvent | null = null;
  private last: PoolSample | null = null;
  private monitoredMs = 0;
  private exhaustedMs = 0;
  private exhaustedSamples = 0;

  constructor(private readonly maxRecent: number) {}

  record(s: PoolSample): void {
    this.checkedOut.record(s.checked_out);
    this.overflow.record(s.overflow);
    this.waiting.record(s.waiting);
    const last = this.last;
    if (last !== null && s.t_ms >= last.t_ms) {
      // The interval until this sample is attributed to the previous sample's state.
      const dt = s.t_ms - last.t_ms;
      this.monitoredMs += dt;
      if (last.waiting > 0) this.exhaustedMs += dt;
    }
    this.last = s;
    if (s.waiting > 0) {
      this.exhaustedSamples++;
      if (this.open === null) this.open = { startMs: s.t_ms, lastMs: s.t_ms, peak: s.waiting };
      else {
        this.open.lastMs = s.t_ms;
        if (s.waiting > this.open.peak) this.open.peak = s.waiting;
      }
    } else if (this.open !== null) {
      this.close(this.open, s.t_ms);
      this.open = null;
    }
    this.recent.push(s);
    if (this.recent.length > this.maxRecent) this.recent.splice(0, this.recent.length - this.maxRecent);
  }

  private close(e: OpenEvent, endMs: number): void {
    this.eventCount++;
    if (this.events.length < MAX_EVENTS) {
      this.events.push({ start: new Date(e.startMs).toISOString(), duration_ms: endMs - e.startMs, peak_waiting: e.peak });
    }
  }

  drain(): PoolSample[] {
    const out = this.recent;
    this.recent = [];
    return out;
  }

  /** The sample-based part of the pool section; an exhaustion still in progress counts. */
  stats(): SampleSection {
    const events = [...this.events];
    let eventCount = this.eventCount;
    if (this.open !== null) {
      eventCount++;
      if (events.length < MAX_EVENTS) {
        events.push({
          start: new Date(this.open.startMs).toISOString(),
          duration_ms: this.open.lastMs - this.open.startMs,
          peak_waiting: this.open.peak,
        });
      }
    }
    const samples = this.checkedOut.count;
    const exhaustedPct =
      this.monitoredMs > 0 ? (100 * this.exhaustedMs) / this.monitoredMs : samples > 0 ? (100 * this.exhaustedSamples) / samples : 0;
    return {
      samples,
      checked_out: this.checkedOut.stats(),
      overflow: this.overflow.stats(),
      waiting: this.waiting.stats(),
      exhaustion_events: eventCount,
      exhaustion_time_pct: Math.min(100, exhaustedPct),
      events,
    };
  }

  reset(): void {
    this.checkedOut.reset();
    this.overflow.reset();
    this.waiting.reset();
    this.recent = [];
    this.events = [];
    this.eventCount = 0;
    this.open = null;
    this.last = null;
    this.monitoredMs = 0;
    this.exhaustedMs = 0;
    this.exhaustedSamples = 0;
  }
}
