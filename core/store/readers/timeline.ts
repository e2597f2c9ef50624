import { LatencyHistogram } from '../../profiling/histogram.js';
import type { LatencyMs, TimelinePoint } from '../../profiling/report-types.js';
import type { StatementCache } from '../statement-cache.js';
import { bounds, decodeHistogram, latencyMs, type RangeS } from './common.js';

/** A timeline point as stored: the report's TimelinePoint plus requests and queries that second. */
export interface StoredTimelinePoint extends TimelinePoint {
  requests: number;
  queries: number | null;
}

export interface KindLatency {
  kind: string;
  count: number;
  errors: number;
  histogram: LatencyHistogram;
}

export interface KindLatencySummary {
  kind: string;
  count: number;
  errors: number;
  latency_ms: LatencyMs;
}

export function timelineReaders(stmts: StatementCache) {
  /** Per-second points in time order, optionally within [fromS, toS]. */
  function getTimeline(sessionId: string, range: RangeS = {}): StoredTimelinePoint[] {
    const { from, to } = bounds(range.fromS, range.toS);
    return stmts
      .get(
        `SELECT t_s, requests, rps, errors, p50_ms, p95_ms, p99_ms, pool_checked_out, pool_waiting, cache_hit_rate, queries
         FROM timeline WHERE session_id = ? AND t_s BETWEEN ? AND ? ORDER BY t_s`,
      )
      .all(sessionId, from, to) as StoredTimelinePoint[];
  }

  /**
   * Request latency merged per kind over the session (or the windows starting within the range),
   * sorted by kind. Histograms are merged, never averaged: the p99 of a merge is the real p99.
   */
  function getLatencyByKind(sessionId: string, range: RangeS = {}): KindLatency[] {
    const { from, to } = bounds(range.fromS, range.toS);
    const byKind = new Map<string, KindLatency>();
    const rows = stmts
      .get('SELECT t_s, kind, count, errors, hist FROM latency_windows WHERE session_id = ? AND t_s BETWEEN ? AND ? ORDER BY kind, t_s')
      .iterate(sessionId, from, to) as IterableIterator<{ t_s: number; kind: string; count: number; errors: number; hist: string }>;
    for (const row of rows) {
      const h = decodeHistogram(row.hist, `session ${sessionId} latency window ${row.t_s} s (${row.kind})`);
      const acc = byKind.get(row.kind);
      if (acc === undefined) {
        byKind.set(row.kind, { kind: row.kind, count: row.count, errors: row.errors, histogram: h });
      } else {
        acc.count += row.count;
        acc.errors += row.errors;
        acc.histogram.add(h);
      }
    }
    return [...byKind.values()];
  }

  /** One histogram over all kinds (or the given ones) in the range. */
  function getMergedLatency(sessionId: string, options: RangeS & { kinds?: readonly string[] } = {}): KindLatency {
    const wanted = options.kinds === undefined ? undefined : new Set(options.kinds);
    const parts = getLatencyByKind(sessionId, options).filter((k) => wanted === undefined || wanted.has(k.kind));
    const [first, ...rest] = parts;
    const merged: KindLatency = first ?? { kind: '*', count: 0, errors: 0, histogram: new LatencyHistogram() };
    for (const p of rest) {
      merged.count += p.count;
      merged.errors += p.errors;
      merged.histogram.add(p.histogram);
    }
    return { ...merged, kind: options.kinds?.length === 1 ? (options.kinds[0] as string) : '*' };
  }

  /** Counts and latency (mean, p50, p95, p99, max) per request kind: the report's latency.by_kind. */
  function getLatencySummaryByKind(sessionId: string, range: RangeS = {}): KindLatencySummary[] {
    return getLatencyByKind(sessionId, range).map((k) => ({ kind: k.kind, count: k.count, errors: k.errors, latency_ms: latencyMs(k.histogram) }));
  }

  return { getTimeline, getLatencyByKind, getMergedLatency, getLatencySummaryByKind };
}
