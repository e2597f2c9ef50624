import { errorMessage, WorkbenchError } from '../common/errors.js';
import { LatencyHistogram } from '../profiling/histogram.js';
import type { TableName, TableRows } from './row-types.js';
import type { Store } from './store.js';

export interface BatchedWriterOptions {
  /** Longest a pushed row waits before it is written. 100 ms: the UI's live charts redraw each second, so this is invisible, and it keeps ~10 transactions/s. */
  flushIntervalMs?: number;
  /** A flush is scheduled (setImmediate) as soon as this many rows are pending. */
  maxBatchRows?: number;
  /**
   * Bound on rows waiting in memory. Beyond it new rows are dropped (newest first, so what is
   * kept has no holes) and counted. Default 200,000: a second of the 200k rows/s the writer
   * sustains, ~40 MB of row objects. Never below maxBatchRows.
   */
  maxPendingRows?: number;
  /** A failed flush (its rows are counted as dropped). Default: one line on stderr. */
  onError?: (err: WorkbenchError) => void;
  /** Rows dropped because the bound was hit, reported once per flush while it happens. */
  onDrop?: (droppedSinceLastReport: number) => void;
}

export interface WriterStats {
  rowsWritten: number;
  flushes: number;
  failedFlushes: number;
  /** Rows lost: over maxPendingRows, in a failed flush, or pushed after close. */
  dropped: number;
  droppedByTable: Partial<Record<TableName, number>>;
  pending: number;
  /** Most rows ever pending at once. */
  maxPending: number;
  lastFlushMs: number;
  flushMs: { p50: number; p99: number; max: number };
}

export interface BatchedWriter {
  /** Queues a row; synchronous, O(1), never writes inline. Do not mutate the row afterwards. */
  push<T extends TableName>(table: T, row: TableRows[T]): void;
  /**
   * Writes everything pending now, in one transaction; returns the rows written. Pending rows
   * stay near maxBatchRows unless a producer pushes many in one synchronous turn, so a flush
   * normally takes milliseconds (the bench prints its p99).
   */
  flush(): number;
  /** Flushes and stops the timers; later pushes are counted as dropped. */
  close(): void;
  stats(): WriterStats;
  readonly closed: boolean;
}

const DEFAULT_FLUSH_INTERVAL_MS = 100;
const DEFAULT_MAX_BATCH_ROWS = 1_000;
const DEFAULT_MAX_PENDING_ROWS = 200_000;

/**
 * The recorder's path into the store. Rows from every table queue in memory and are written
 * together, one transaction per flush: SQLite's cost is per transaction (a WAL append and a
 * lock), so 1,000 rows in one cost about what a few single-row transactions would.
 *
 * Flushes run from a timer (flushIntervalMs after the first pending row) or from setImmediate
 * once maxBatchRows are pending, never inside push(), so a producer's hot loop is never
 * stalled by disk I/O. If the process exits with rows pending, an 'exit' hook writes them
 * (better-sqlite3 is synchronous, so this works even there); close() is still the way to end.
 */
export function createBatchedWriter(store: Store, options: BatchedWriterOptions = {}): BatchedWriter {
  return new Writer(store, options);
}

/** Writers not yet closed; one process 'exit' hook flushes them all (not one listener each). */
const liveWriters = new Set<Writer>();

function flushAllOnExit(): void {
  for (const writer of liveWriters) writer.flush();
}

class Writer implements BatchedWriter {
  private readonly flushIntervalMs: number;
  private readonly maxBatchRows: number;
  private readonly maxPendingRows: number;
  private readonly onError: (err: WorkbenchError) => void;
  private readonly onDrop: ((n: number) => void) | undefined;
  private queues = new Map<TableName, unknown[]>();
  private pending = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private isClosed = false;
  private droppedUnreported = 0;
  private readonly flushHist = new LatencyHistogram();
  private readonly s: Omit<WriterStats, 'pending' | 'flushMs'> = {
    rowsWritten: 0,
    flushes: 0,
    failedFlushes: 0,
    dropped: 0,
    droppedByTable: {},
    maxPending: 0,
    lastFlushMs: 0,
  };
  private readonly scheduledFlush = (): void => {
    this.timer = undefined;
    this.immediate = undefined;
    this.flush();
  };

  constructor(
    private readonly store: Store,
    options: BatchedWriterOptions,
  ) {
    this.flushIntervalMs = positive(options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS, 'flushIntervalMs');
    this.maxBatchRows = positive(options.maxBatchRows ?? DEFAULT_MAX_BATCH_ROWS, 'maxBatchRows');
    this.maxPendingRows = Math.max(this.maxBatchRows, positive(options.maxPendingRows ?? DEFAULT_MAX_PENDING_ROWS, 'maxPendingRows'));
    this.onError = options.onError ?? ((err) => process.stderr.write(`warning: ${err.message}\n`));
    this.onDrop = options.onDrop;
    liveWriters.add(this);
    if (liveWriters.size === 1) process.on('exit', flushAllOnExit);
    store.registerWriter(this);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  push<T extends TableName>(table: T, row: TableRows[T]): void {
    if (this.isClosed || this.pending >= this.maxPendingRows) {
      this.drop(table, 1);
      return;
    }
    let queue = this.queues.get(table);
    if (queue === undefined) {
      queue = [];
      this.queues.set(table, queue);
    }
    queue.push(row);
    this.pending++;
    if (this.pending > this.s.maxPending) this.s.maxPending = this.pending;
    if (this.pending >= this.maxBatchRows) {
      if (this.immediate === undefined) this.immediate = setImmediate(this.scheduledFlush);
    } else if (this.timer === undefined) {
      this.timer = setTimeout(this.scheduledFlush, this.flushIntervalMs);
      // The writer alone must not keep a process alive; the 'exit' hook catches what is left.
      this.timer.unref();
    }
  }

  flush(): number {
    this.cancelScheduled();
    if (this.droppedUnreported > 0) {
      const n = this.droppedUnreported;
      this.droppedUnreported = 0;
      this.onDrop?.(n);
    }
    if (this.pending === 0) return 0;
    const batch = this.queues;
    const rows = this.pending;
    this.queues = new Map();
    this.pending = 0;
    const started = performance.now();
    try {
      this.store.transaction(() => {
        for (const [table, tableRows] of batch) this.store.tables.writeInTransaction(table, tableRows as TableRows[TableName][]);
      });
      this.s.rowsWritten += rows;
      return rows;
    } catch (err) {
      this.s.failedFlushes++;
      for (const [table, tableRows] of batch) this.drop(table, tableRows.length, false);
      const error = new WorkbenchError(`session store: a batch of ${rows} rows could not be written and was dropped: ${errorMessage(err)}`, 1, {
        cause: err,
      });
      try {
        this.onError(error);
      } catch {
        // A throwing handler must not turn a dropped batch into a crash of the recorder.
      }
      return 0;
    } finally {
      const ms = performance.now() - started;
      this.s.flushes++;
      this.s.lastFlushMs = ms;
      this.flushHist.record(ms);
    }
  }

  close(): void {
    if (this.isClosed) return;
    this.flush();
    this.isClosed = true;
    this.cancelScheduled();
    liveWriters.delete(this);
    if (liveWriters.size === 0) process.off('exit', flushAllOnExit);
    this.store.unregisterWriter(this);
  }

  stats(): WriterStats {
    return {
      ...this.s,
      droppedByTable: { ...this.s.droppedByTable },
      pending: this.pending,
      flushMs: { p50: this.flushHist.percentile(50), p99: this.flushHist.percentile(99), max: this.flushHist.maxMs },
    };
  }

  private drop(table: TableName, n: number, report = true): void {
    this.s.dropped += n;
    this.s.droppedByTable[table] = (this.s.droppedByTable[table] ?? 0) + n;
    if (report) this.droppedUnreported += n;
  }

  private cancelScheduled(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new WorkbenchError(`batched writer: ${name} must be a positive number`, 2);
  return value;
}
