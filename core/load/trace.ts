import type { TraceRecord } from './types.js';

/**
 * Puts completed requests back in `seq` order and hands them out in batches. Requests complete
 * out of order (a slow one is overtaken by its neighbours), so a record waits here until every
 * lower seq has completed. The window is bounded by how many requests complete while the
 * oldest one is outstanding, i.e. by throughput x timeoutMs.
 */

/** Batch size: one store transaction's worth (the store's writer flushes every 1,000 rows). */
export const TRACE_BATCH_MAX = 1000;
/** Start small; the window grows by doubling when a slow request holds many others back. */
const INITIAL_WINDOW = 1024;
/**
 * Never hold more than 2^18 (262,144) records (~50 MB): beyond that the oldest missing seq is
 * skipped and its record, when it arrives, is delivered late (out of order, still with its seq).
 */
const MAX_WINDOW = 1 << 18;

export class TraceBuffer {
  private ring: (TraceRecord | undefined)[] = new Array<TraceRecord | undefined>(INITIAL_WINDOW);
  private mask = INITIAL_WINDOW - 1;
  /** Next seq to deliver. */
  private head = 0;
  private batch: TraceRecord[] = [];

  constructor(private readonly emit: (batch: TraceRecord[]) => void) {}

  add(rec: TraceRecord): void {
    let offset = rec.seq - this.head;
    if (offset < 0) {
      // It was skipped when the window overflowed: deliver it now rather than lose it.
      this.push(rec);
      return;
    }
    while (offset >= this.ring.length) {
      if (this.ring.length < MAX_WINDOW) {
        this.grow();
      } else {
        this.skipHead();
        offset = rec.seq - this.head;
      }
    }
    this.ring[rec.seq & this.mask] = rec;
    if (offset === 0) this.drain();
  }

  /** Emits the records waiting in the current batch. */
  flush(): void {
    if (this.batch.length === 0) return;
    const out = this.batch;
    this.batch = [];
    this.emit(out);
  }

  /** At the end of a run nothing is outstanding: deliver whatever is left, in seq order, and flush. */
  close(): void {
    const n = this.ring.length;
    for (let i = 0; i < n; i++) {
      const idx = (this.head + i) & this.mask;
      const rec = this.ring[idx];
      if (rec !== undefined) {
        this.ring[idx] = undefined;
        this.push(rec);
      }
    }
    this.flush();
  }

  private drain(): void {
    const ring = this.ring;
    for (;;) {
      const idx = this.head & this.mask;
      const rec = ring[idx];
      if (rec === undefined) return;
      ring[idx] = undefined;
      this.head++;
      this.push(rec);
    }
  }

  private push(rec: TraceRecord): void {
    this.batch.push(rec);
    if (this.batch.length >= TRACE_BATCH_MAX) this.flush();
  }

  private skipHead(): void {
    this.head++;
    this.drain();
  }

  private grow(): void {
    const old = this.ring;
    const oldMask = this.mask;
    const size = old.length * 2;
    this.ring = new Array<TraceRecord | undefined>(size);
    this.mask = size - 1;
    for (let i = 0; i < old.length; i++) {
      const rec = old[(this.head + i) & oldMask];
      if (rec !== undefined) this.ring[rec.seq & this.mask] = rec;
    }
  }
}
