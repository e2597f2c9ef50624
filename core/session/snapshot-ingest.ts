import type { PerformanceReport } from '../profiling/report-types.js';
import type { ProfilingSnapshot } from '../profiling/snapshot-types.js';
import { cacheStatsRow, type BatchedWriter } from '../store/index.js';
import type { TimelineAssembler } from './timeline.js';

/**
 * Turns the embedded server's cumulative profiling snapshots into store rows. Cumulative rows
 * (query stats, functions, cache breakdowns, N+1, pool section) are upserted, so a lost or late
 * snapshot costs nothing; per-second deltas (queries per fingerprint, cache hit rate) come from
 * the difference between consecutive snapshots.
 */
export class SnapshotIngest {
  private prevQueries = new Map<string, { count: number; total_ms: number }>();
  private prevHits = 0;
  private prevMisses = 0;
  private lastSeq = -1;
  /** The newest report seen (for progress: pool size, hit rate). */
  latest: PerformanceReport | null = null;

  constructor(
    private readonly sessionId: string,
    private readonly writer: BatchedWriter,
    private readonly timeline: TimelineAssembler,
  ) {}

  /** Counters as they were when the session's load started, so deltas start from zero there. */
  setBaseline(snapshot: ProfilingSnapshot): void {
    this.prevQueries = new Map(snapshot.report.queries.by_fingerprint.map((q) => [q.fingerprint, { count: q.count, total_ms: q.total_ms }]));
    this.prevHits = snapshot.report.cache.hits;
    this.prevMisses = snapshot.report.cache.misses;
  }

  ingest(snapshot: ProfilingSnapshot): void {
    if (snapshot.seq <= this.lastSeq && snapshot.histograms === null) return; // stale duplicate
    this.lastSeq = Math.max(this.lastSeq, snapshot.seq);
    const r = snapshot.report;
    this.latest = r;
    const id = this.sessionId;
    const w = this.writer;
    const hist = snapshot.histograms;

    let queriesThisInterval = 0;
    for (const q of r.queries.by_fingerprint) {
      w.push('query_stats', { session_id: id, ...q, hist: hist?.queries[q.fingerprint] ?? null });
      const prev = this.prevQueries.get(q.fingerprint) ?? { count: 0, total_ms: 0 };
      const dCount = q.count - prev.count;
      if (dCount > 0) {
        w.push('query_windows', {
          session_id: id,
          t_s: this.timeline.secondOf(snapshot.t_ms - 1),
          fingerprint: q.fingerprint,
          count: dCount,
          total_ms: Math.max(0, q.total_ms - prev.total_ms),
        });
        queriesThisInterval += dCount;
      }
      this.prevQueries.set(q.fingerprint, { count: q.count, total_ms: q.total_ms });
    }
    this.timeline.addQueries(snapshot.t_ms, queriesThisInterval);

    for (const s of r.slow_queries) {
      w.push('slow_queries', {
        session_id: id,
        fingerprint: s.fingerprint,
        query: s.query,
        statement: s.statement,
        duration_ms: s.duration_ms,
        rows: s.rows,
        at_ms: Date.parse(s.at) || snapshot.t_ms,
        call_site: s.call_site,
        error: s.error,
      });
    }
    for (const n of r.n_plus_one) w.push('n_plus_one', { session_id: id, ...n });

    if (snapshot.pool_samples.length > 0) {
      for (const s of snapshot.pool_samples) w.push('pool_samples', { session_id: id, ...s });
      this.timeline.addPoolSamples(snapshot.pool_samples);
    }
    if (r.pool) {
      w.push('pool_stats', { session_id: id, data: r.pool });
      for (const e of r.pool.events) {
        w.push('pool_events', { session_id: id, kind: 'exhaustion', at_ms: Date.parse(e.start) || 0, duration_ms: e.duration_ms, peak_waiting: e.peak_waiting, call_site: null });
      }
      for (const l of r.pool.long_held) {
        w.push('pool_events', { session_id: id, kind: 'long_held', at_ms: Date.parse(l.acquired_at) || 0, duration_ms: l.held_ms, peak_waiting: null, call_site: l.call_site });
      }
    }

    const c = r.cache;
    if (c.operations > 0) {
      w.push('cache_stats', cacheStatsRow(id, c));
      for (const p of c.by_pattern) w.push('cache_patterns', { session_id: id, ...p });
      for (const s of c.by_sensitivity) w.push('cache_sensitivity', { session_id: id, ...s });
      for (const i of c.invalidations) w.push('cache_invalidations', { session_id: id, ...i });
    }
    this.timeline.addCacheDelta(snapshot.t_ms, Math.max(0, c.hits - this.prevHits), Math.max(0, c.misses - this.prevMisses));
    this.prevHits = c.hits;
    this.prevMisses = c.misses;

    for (const f of r.functions) w.push('function_stats', { session_id: id, ...f, hist: hist?.functions[f.name] ?? null });
    if (r.call_tree.length > 0) w.push('call_tree', { session_id: id, tree: r.call_tree });
  }
}
