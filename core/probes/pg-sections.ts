import type { SlowQuery } from '../profiling/report-types.js';
import type { ActivityTracker } from './pg-activity.js';
import type { PostgresFeatures } from './pg-check.js';
import type { StatementsTracker } from './pg-statements.js';
import type { TablesTracker } from './pg-tables.js';
import type { PostgresProbeSections, ProbeQueriesSection } from './types.js';

/** Fingerprints listed in the report; the totals still count every one. */
const MAX_FINGERPRINTS = 500;
const MAX_SLOW = 50;

export const QUERIES_NOTE =
  'From pg_stat_statements deltas: counts, totals and means are exact for the window; the view keeps no distribution, ' +
  'so p50 is the mean and p95/p99 are the max (an upper bound: the view keeps the max over the entry\'s lifetime). ' +
  'slow_queries_count and slow_queries count fingerprints whose mean reaches the threshold, not single executions.';

export interface PostgresSectionInputs {
  features: PostgresFeatures;
  windowMs: number;
  endMs: number;
  slowThresholdMs: number;
  statements: StatementsTracker;
  activity: ActivityTracker;
  tables: TablesTracker;
  warnings: string[];
}

export function postgresSections(input: PostgresSectionInputs): PostgresProbeSections {
  const { features, statements, slowThresholdMs } = input;
  let queries: ProbeQueriesSection | null = null;
  const slow: SlowQuery[] = [];
  if (features.statementsUsable) {
    const all = statements.byFingerprint();
    let total = 0;
    let totalMs = 0;
    let slowCount = 0;
    for (const f of all) {
      total += f.count;
      totalMs += f.total_ms;
      if (f.mean_ms >= slowThresholdMs) slowCount += f.count;
    }
    const at = new Date(input.endMs).toISOString();
    for (const f of all.filter((q) => q.mean_ms >= slowThresholdMs).slice(0, MAX_SLOW)) {
      slow.push({
        fingerprint: f.fingerprint,
        query: f.query,
        statement: f.query,
        duration_ms: f.mean_ms,
        rows: f.count === 0 ? 0 : f.rows / f.count,
        at,
        call_site: null,
        error: null,
      });
    }
    queries = {
      source: 'pg_stat_statements',
      total_queries: total,
      avg_duration_ms: total === 0 ? 0 : totalMs / total,
      slow_queries_count: slowCount,
      slow_query_threshold_ms: slowThresholdMs,
      by_fingerprint: all.slice(0, MAX_FINGERPRINTS),
    };
  }
  return {
    queries,
    slow_queries: slow,
    postgres: {
      version: features.info.version,
      database: features.info.database,
      window_ms: input.windowMs,
      pg_stat_statements: features.statementsUsable,
      queries_note: features.statementsUsable ? QUERIES_NOTE : null,
      activity: input.activity.summary(),
      tables: input.tables.tableStats(),
      indexes: input.tables.indexStats(),
      unused_indexes: input.tables.unusedIndexes(),
    },
    warnings: [...new Set([...input.warnings, ...statements.warnings, ...input.tables.warnings])],
  };
}
