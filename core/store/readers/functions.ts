import type { LatencyHistogram } from '../../profiling/histogram.js';
import type { CallTreeNode, FunctionStats } from '../../profiling/report-types.js';
import type { StatementCache } from '../statement-cache.js';
import { parseJson } from '../session-row.js';
import { decodeHistogram } from './common.js';

export function functionReaders(stmts: StatementCache) {
  /** Most total time first (the seed's "top functions"). */
  function getFunctionStats(sessionId: string): FunctionStats[] {
    return stmts
      .get(
        `SELECT name, calls, errors, total_ms, self_ms, mean_ms, p95_ms, p99_ms FROM function_stats
         WHERE session_id = ? ORDER BY total_ms DESC, name`,
      )
      .all(sessionId) as FunctionStats[];
  }

  function getFunctionHistograms(sessionId: string): Map<string, LatencyHistogram> {
    const out = new Map<string, LatencyHistogram>();
    const rows = stmts
      .get('SELECT name, hist FROM function_stats WHERE session_id = ? AND hist IS NOT NULL')
      .iterate(sessionId) as IterableIterator<{ name: string; hist: string }>;
    for (const r of rows) out.set(r.name, decodeHistogram(r.hist, `session ${sessionId} function ${r.name}`));
    return out;
  }

  /** The call tree's roots; [] when none was recorded. */
  function getCallTree(sessionId: string): CallTreeNode[] {
    const row = stmts.get('SELECT tree FROM call_tree WHERE session_id = ?').get(sessionId) as { tree: string } | undefined;
    return row === undefined ? [] : parseJson<CallTreeNode[]>(row.tree, sessionId, 'call_tree');
  }

  return { getFunctionStats, getFunctionHistograms, getCallTree };
}
