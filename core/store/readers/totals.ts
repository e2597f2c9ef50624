import type { JsonValue } from '../json-types.js';
import type { LatencyTotalsRow } from '../row-types.js';
import type { StatementCache } from '../statement-cache.js';
import { parseJson } from '../session-row.js';

export type LatencyTotals = Omit<LatencyTotalsRow, 'session_id'>;

export function totalsReaders(stmts: StatementCache) {
  /** Whole-session latency per kind ('*' = every request), as written when the session ended. */
  function getLatencyTotals(sessionId: string): LatencyTotals[] {
    return stmts
      .get(
        `SELECT kind, requests, errors, mean_ms, p50_ms, p95_ms, p99_ms, max_ms, hist
         FROM latency_totals WHERE session_id = ? ORDER BY kind`,
      )
      .all(sessionId) as LatencyTotals[];
  }

  /** A named report part (JSON), or undefined when the session has none. */
  function getReportSection<T = JsonValue>(sessionId: string, name: string): T | undefined {
    const row = stmts.get('SELECT data FROM report_sections WHERE session_id = ? AND name = ?').get(sessionId, name) as { data: string } | undefined;
    return row === undefined ? undefined : parseJson<T>(row.data, sessionId, `report_sections.${name}`);
  }

  return { getLatencyTotals, getReportSection };
}
