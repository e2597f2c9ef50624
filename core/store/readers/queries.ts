import type { LatencyHistogram } from '../../profiling/histogram.js';
import type { NPlusOneFinding, QueryFingerprintStats, SlowQuery } from '../../profiling/report-types.js';
import type { StatementCache } from '../statement-cache.js';
import { bounds, decodeHistogram, isoFromMs, type RangeS } from './common.js';

export interface QueryTotals {
  total_queries: number;
  avg_duration_ms: number;
  slow_queries_count: number;
}

export interface QueryWindowPoint {
  t_s: number;
  fingerprint: string;
  count: number;
  total_ms: number;
}

interface SlowQueryDbRow extends Omit<SlowQuery, 'at'> {
  at_ms: number;
}

export function queryReaders(stmts: StatementCache) {
  /** One row per fingerprint, most total time first (the seed's "query types" table). */
  function getQueryStats(sessionId: string): QueryFingerprintStats[] {
    return stmts
      .get(
        `SELECT fingerprint, query, count, errors, total_ms, mean_ms, p50_ms, p95_ms, p99_ms, max_ms, rows
         FROM query_stats WHERE session_id = ? ORDER BY total_ms DESC, fingerprint`,
      )
      .all(sessionId) as QueryFingerprintStats[];
  }

  /** Duration histograms by fingerprint, for those recorded with one (comparison, exact merges). */
  function getQueryHistograms(sessionId: string): Map<string, LatencyHistogram> {
    const out = new Map<string, LatencyHistogram>();
    const rows = stmts
      .get('SELECT fingerprint, hist FROM query_stats WHERE session_id = ? AND hist IS NOT NULL')
      .iterate(sessionId) as IterableIterator<{ fingerprint: string; hist: string }>;
    for (const r of rows) out.set(r.fingerprint, decodeHistogram(r.hist, `session ${sessionId} query ${r.fingerprint}`));
    return out;
  }

  function getQueryTotals(sessionId: string): QueryTotals {
    const t = stmts
      .get('SELECT coalesce(sum(count), 0) AS n, coalesce(sum(total_ms), 0) AS ms FROM query_stats WHERE session_id = ?')
      .get(sessionId) as { n: number; ms: number };
    const slow = stmts.get('SELECT count(*) AS n FROM slow_queries WHERE session_id = ?').get(sessionId) as { n: number };
    return { total_queries: t.n, avg_duration_ms: t.n === 0 ? 0 : t.ms / t.n, slow_queries_count: slow.n };
  }

  /** Per-second counts and time per fingerprint (all fingerprints, or one), in time order. */
  function getQueryWindows(sessionId: string, options: RangeS & { fingerprint?: string } = {}): QueryWindowPoint[] {
    const { from, to } = bounds(options.fromS, options.toS);
    if (options.fingerprint !== undefined) {
      return stmts
        .get(
          `SELECT t_s, fingerprint, count, total_ms FROM query_windows
           WHERE session_id = ? AND fingerprint = ? AND t_s BETWEEN ? AND ? ORDER BY t_s`,
        )
        .all(sessionId, options.fingerprint, from, to) as QueryWindowPoint[];
    }
    return stmts
      .get(
        `SELECT t_s, fingerprint, count, total_ms FROM query_windows
         WHERE session_id = ? AND t_s BETWEEN ? AND ? ORDER BY t_s, fingerprint`,
      )
      .all(sessionId, from, to) as QueryWindowPoint[];
  }

  /** Slowest first. */
  function getSlowQueries(sessionId: string, limit = 1_000): SlowQuery[] {
    const rows = stmts
      .get(
        `SELECT fingerprint, query, statement, duration_ms, rows, at_ms, call_site, error
         FROM slow_queries WHERE session_id = ? ORDER BY duration_ms DESC, at_ms LIMIT ?`,
      )
      .all(sessionId, limit) as SlowQueryDbRow[];
    return rows.map(({ at_ms, ...rest }) => ({
      fingerprint: rest.fingerprint,
      query: rest.query,
      statement: rest.statement,
      duration_ms: rest.duration_ms,
      rows: rest.rows,
      at: isoFromMs(at_ms),
      call_site: rest.call_site,
      error: rest.error,
    }));
  }

  /** N+1 findings, most total time first. */
  function getNPlusOne(sessionId: string): NPlusOneFinding[] {
    return stmts
      .get(
        `SELECT fingerprint, query, occurrences, traces_affected, max_per_trace, total_duration_ms, example, call_site, detection
         FROM n_plus_one WHERE session_id = ? ORDER BY total_duration_ms DESC, fingerprint, detection`,
      )
      .all(sessionId) as NPlusOneFinding[];
  }

  return { getQueryStats, getQueryHistograms, getQueryTotals, getQueryWindows, getSlowQueries, getNPlusOne };
}
