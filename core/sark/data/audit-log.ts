import type pg from 'pg';
import { errorMessage } from '../../common/errors.js';
import type { SarkInstrumentation, SpanCtx } from '../instrumentation-types.js';
import type { SarkKnobs } from '../knobs.js';
import { pgFail } from './deps.js';

/**
 * log_decision: every evaluation, cached or not, is written to policy_decision_logs (the seed
 * logs all 986,234 of them).
 *
 * - auditBatching=false: one INSERT per decision, awaited inside the request (the seed's 8.3 ms
 *   log_decision, holding a pool connection each time).
 * - auditBatching=true: rows are buffered and written by one multi-row INSERT (unnest of arrays:
 *   one statement text whatever the batch size) every auditBatchSize rows or auditFlushMs,
 *   outside any request (the seed's AsyncAuditBatcher).
 *
 * The buffer is bounded: while the database is down, rows beyond MAX_BUFFERED_ROWS are dropped
 * (oldest first) and counted, rather than growing the process until it dies.
 */
export const MAX_BUFFERED_ROWS = 100_000;

export interface AuditEntry {
  userId: string;
  toolId: string | null;
  serverId: string | null;
  action: string;
  allow: boolean;
  reason: string;
  cached: boolean;
  atMs: number;
  evaluationDurationMs: number;
}

export interface AuditStats {
  written: number;
  buffered: number;
  dropped: number;
  failedFlushes: number;
  lastError: string | null;
}

const COLUMNS = 'user_id, tool_id, server_id, action, result, reason, cached, "timestamp", evaluation_duration_ms';
const INSERT_ONE_SQL = `INSERT INTO policy_decision_logs (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;
const INSERT_BATCH_SQL = `INSERT INTO policy_decision_logs (${COLUMNS})
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::timestamptz[], $9::float8[])`;

/** Runs a function outside the caller's async context (AsyncLocalStorage.snapshot taken at startup). */
export type DetachedRunner = <R>(fn: () => R) => R;

export class AuditLog {
  private buffer: AuditEntry[] = [];
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly stats: AuditStats = { written: 0, buffered: 0, dropped: 0, failedFlushes: 0, lastError: null };

  constructor(
    private readonly pool: pg.Pool,
    private readonly knobs: SarkKnobs,
    private readonly instr: SarkInstrumentation,
    private readonly detached: DetachedRunner,
  ) {
    if (knobs.auditBatching) {
      // Created at startup, so its callbacks run outside any request trace.
      this.timer = setInterval(() => void this.flush(), knobs.auditFlushMs);
      this.timer.unref();
    }
  }

  get batching(): boolean {
    return this.knobs.auditBatching;
  }

  getStats(): AuditStats {
    return { ...this.stats, buffered: this.buffer.length };
  }

  /** Direct mode: awaits the INSERT. Batched mode: buffers and returns at once. */
  async log(entry: AuditEntry, ctx: SpanCtx = null): Promise<void> {
    if (!this.knobs.auditBatching) {
      await this.instr
        .within(ctx, () =>
          this.pool.query(INSERT_ONE_SQL, [
            entry.userId,
            entry.toolId,
            entry.serverId,
            entry.action,
            entry.allow ? 'allow' : 'deny',
            entry.reason,
            entry.cached,
            new Date(entry.atMs),
            entry.evaluationDurationMs,
          ]),
        )
        .catch(pgFail);
      this.stats.written++;
      return;
    }
    this.enqueue(entry);
  }

  async logMany(entries: readonly AuditEntry[], ctx: SpanCtx = null): Promise<void> {
    if (!this.knobs.auditBatching) {
      for (const e of entries) await this.log(e, ctx);
      return;
    }
    for (const e of entries) this.enqueue(e);
  }

  private enqueue(entry: AuditEntry): void {
    this.buffer.push(entry);
    if (this.buffer.length > MAX_BUFFERED_ROWS) {
      const excess = this.buffer.length - MAX_BUFFERED_ROWS;
      this.buffer.splice(0, excess);
      this.stats.dropped += excess;
    }
    if (this.buffer.length >= this.knobs.auditBatchSize && this.flushing === null) this.detached(() => void this.flush());
  }

  /** Writes everything buffered (in batches of auditBatchSize); never throws. */
  flush(): Promise<void> {
    if (this.flushing !== null) return this.flushing;
    if (this.buffer.length === 0) return Promise.resolve();
    this.flushing = this.drain().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.slice(0, this.knobs.auditBatchSize);
      try {
        await this.instr.trace('flush_audit_batch', (ctx) => this.insertBatch(batch, ctx));
      } catch (err) {
        // Keep the rows for the next tick; the bound above protects memory meanwhile.
        this.stats.failedFlushes++;
        this.stats.lastError = errorMessage(err);
        return;
      }
      this.buffer.splice(0, batch.length);
      this.stats.written += batch.length;
      // Only keep draining while a full batch is waiting; a partial one waits for the timer.
      if (this.buffer.length < this.knobs.auditBatchSize && !this.closed) return;
    }
  }

  private async insertBatch(batch: readonly AuditEntry[], ctx: SpanCtx): Promise<void> {
    await this.instr
      .within(ctx, () =>
        this.pool.query(INSERT_BATCH_SQL, [
          batch.map((e) => e.userId),
          batch.map((e) => e.toolId),
          batch.map((e) => e.serverId),
          batch.map((e) => e.action),
          batch.map((e) => (e.allow ? 'allow' : 'deny')),
          batch.map((e) => e.reason),
          batch.map((e) => e.cached),
          batch.map((e) => new Date(e.atMs)),
          batch.map((e) => e.evaluationDurationMs),
        ]),
      )
      .catch(pgFail);
  }

  /** Stops the timer and writes what is left (best effort). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (this.flushing !== null) await this.flushing;
    await this.flush();
  }
}
