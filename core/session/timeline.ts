import type { SecondStats } from '../load/types.js';
import type { PoolSample } from '../profiling/snapshot-types.js';
import type { BatchedWriter, TimelineRow } from '../store/index.js';

/**
 * Joins what each second looked like from three sources that arrive at different times: the
 * load generator's second (requests, latency), the target's pool samples and cache counters
 * (from profiling snapshots or probes, up to a second or two later). A row is written as soon
 * as the load second arrives and rewritten (the timeline table upserts) when late pool or cache
 * data for that second comes in. Only the last few seconds are kept in memory.
 */

/** Seconds kept open for late pool/cache data; snapshots arrive every second, so 5 is ample. */
const OPEN_SECONDS = 5;

interface SecondAcc {
  row: TimelineRow | null;
  poolSum: number;
  poolN: number;
  waitingMax: number;
  hits: number;
  misses: number;
  queries: number;
  hasQueries: boolean;
}

export class TimelineAssembler {
  private readonly open = new Map<number, SecondAcc>();
  private lastHitRate: number | null = null;

  constructor(
    private readonly sessionId: string,
    private readonly writer: BatchedWriter,
    /** Epoch ms of second 0. */
    private readonly startMs: number,
  ) {}

  secondOf(tMs: number): number {
    return Math.max(0, Math.floor((tMs - this.startMs) / 1000));
  }

  private acc(t: number): SecondAcc {
    let a = this.open.get(t);
    if (!a) {
      a = { row: null, poolSum: 0, poolN: 0, waitingMax: 0, hits: 0, misses: 0, queries: 0, hasQueries: false };
      this.open.set(t, a);
    }
    return a;
  }

  addPoolSamples(samples: readonly PoolSample[]): void {
    const touched = new Set<number>();
    for (const s of samples) {
      const t = this.secondOf(s.t_ms);
      const a = this.acc(t);
      a.poolSum += s.checked_out;
      a.poolN++;
      a.waitingMax = Math.max(a.waitingMax, s.waiting);
      touched.add(t);
    }
    for (const t of touched) this.rewrite(t);
  }

  /** Cache lookups (hits, misses) observed over the interval that ended at tMs. */
  addCacheDelta(tMs: number, hits: number, misses: number): void {
    if (hits + misses === 0) return;
    const t = this.secondOf(tMs - 1);
    const a = this.acc(t);
    a.hits += hits;
    a.misses += misses;
    this.rewrite(t);
  }

  addQueries(tMs: number, count: number): void {
    const t = this.secondOf(tMs - 1);
    const a = this.acc(t);
    a.queries += count;
    a.hasQueries = true;
    this.rewrite(t);
  }

  private fill(row: TimelineRow, a: SecondAcc): TimelineRow {
    const hitRate = a.hits + a.misses > 0 ? a.hits / (a.hits + a.misses) : null;
    if (hitRate !== null) this.lastHitRate = hitRate;
    return {
      ...row,
      pool_checked_out: a.poolN > 0 ? a.poolSum / a.poolN : row.pool_checked_out,
      pool_waiting: a.poolN > 0 ? a.waitingMax : row.pool_waiting,
      cache_hit_rate: hitRate ?? row.cache_hit_rate,
      queries: a.hasQueries ? a.queries : row.queries,
    };
  }

  private rewrite(t: number): void {
    const a = this.open.get(t);
    if (a?.row) {
      a.row = this.fill(a.row, a);
      this.writer.push('timeline', a.row);
    }
  }

  /** The load generator's second t: written now, completed later if pool/cache data is late. */
  addLoadSecond(s: SecondStats): TimelineRow {
    const a = this.acc(s.t_s);
    const base: TimelineRow = {
      session_id: this.sessionId,
      t_s: s.t_s,
      requests: s.requests,
      rps: s.rps,
      errors: s.error_count,
      p50_ms: s.p50_ms,
      p95_ms: s.p95_ms,
      p99_ms: s.p99_ms,
      pool_checked_out: null,
      pool_waiting: null,
      cache_hit_rate: null,
      queries: null,
    };
    a.row = this.fill(base, a);
    this.writer.push('timeline', a.row);
    for (const t of [...this.open.keys()]) if (t < s.t_s - OPEN_SECONDS) this.open.delete(t);
    return a.row;
  }

  /** A second without generated load (observe-only mode): written so pool and cache data have a row. */
  addIdleSecond(t: number): void {
    const a = this.acc(t);
    if (a.row) return;
    a.row = this.fill(
      { session_id: this.sessionId, t_s: t, requests: 0, rps: 0, errors: 0, p50_ms: 0, p95_ms: 0, p99_ms: 0, pool_checked_out: null, pool_waiting: null, cache_hit_rate: null, queries: null },
      a,
    );
    this.writer.push('timeline', a.row);
    for (const k of [...this.open.keys()]) if (k < t - OPEN_SECONDS) this.open.delete(k);
  }

  /** Latest known hit rate (progress display). */
  get hitRate(): number | null {
    return this.lastHitRate;
  }
}
