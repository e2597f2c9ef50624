import type { RequestTraceRow } from '../row-types.js';
import type { StatementCache } from '../statement-cache.js';

export type RequestTraceEntry = Omit<RequestTraceRow, 'session_id'>;

/**
 * Rows fetched per page. Pages are read with keyset pagination (seq > last) rather than one
 * open cursor: a cursor would keep the connection busy, and a replay writes its new session
 * through the same connection while it iterates the old one.
 */
const DEFAULT_PAGE_ROWS = 1_000;

export function traceReaders(stmts: StatementCache) {
  /**
   * The recorded requests in seq order, one page in memory at a time: a trace of millions of
   * requests replays in constant memory.
   */
  function* iterateRequestTrace(sessionId: string, options: { fromSeq?: number; pageRows?: number } = {}): Generator<RequestTraceEntry> {
    const page = Math.max(1, Math.floor(options.pageRows ?? DEFAULT_PAGE_ROWS));
    const stmt = stmts.get(
      `SELECT seq, t_offset_ms, kind, method, path, body, status, latency_ms, error_class FROM request_trace
       WHERE session_id = ? AND seq >= ? ORDER BY seq LIMIT ?`,
    );
    let next = options.fromSeq ?? Number.MIN_SAFE_INTEGER;
    for (;;) {
      const rows = stmt.all(sessionId, next, page) as RequestTraceEntry[];
      yield* rows;
      const last = rows.at(-1);
      if (rows.length < page || last === undefined) return;
      next = last.seq + 1;
    }
  }

  function countRequestTrace(sessionId: string): number {
    return (stmts.get('SELECT count(*) AS n FROM request_trace WHERE session_id = ?').get(sessionId) as { n: number }).n;
  }

  return { iterateRequestTrace, countRequestTrace };
}
