import { pgFail, type DataDeps } from './deps.js';

/**
 * Audit analytics: the seed's slowest query, verbatim in shape. Without
 * idx_policy_logs_analytics it scans the whole audit history (> 100 ms on the default data);
 * with it, an index-only scan of the window.
 */
export const ANALYTICS_SQL = `SELECT
    action,
    result,
    COUNT(*) AS count,
    AVG(evaluation_duration_ms) AS avg_duration
FROM policy_decision_logs
WHERE timestamp >= $1 AND timestamp <= $2
GROUP BY action, result
ORDER BY count DESC`;

export interface AnalyticsRow {
  action: string;
  result: string;
  count: number;
  avg_duration_ms: number;
}

export async function auditAnalytics(deps: DataDeps, from: Date, to: Date): Promise<AnalyticsRow[]> {
  const rows = await deps.instr
    .within(deps.ctx, () => deps.pool.query<{ action: string; result: string; count: string; avg_duration: number | string | null }>(ANALYTICS_SQL, [from, to]))
    .catch(pgFail);
  return rows.rows.map((r) => ({ action: r.action, result: r.result, count: Number(r.count), avg_duration_ms: Number(r.avg_duration ?? 0) }));
}
