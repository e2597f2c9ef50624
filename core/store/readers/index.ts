import type { StatementCache } from '../statement-cache.js';
import { cacheReaders } from './cache.js';
import { functionReaders } from './functions.js';
import { logReaders } from './log.js';
import { poolReaders } from './pool.js';
import { queryReaders } from './queries.js';
import { timelineReaders } from './timeline.js';
import { totalsReaders } from './totals.js';
import { traceReaders } from './trace.js';

/** Every per-session reader, returning the report-section shapes of report-types.ts where one exists. */
export function createSessionReader(stmts: StatementCache) {
  return {
    ...timelineReaders(stmts),
    ...queryReaders(stmts),
    ...poolReaders(stmts),
    ...cacheReaders(stmts),
    ...functionReaders(stmts),
    ...traceReaders(stmts),
    ...logReaders(stmts),
    ...totalsReaders(stmts),
  };
}

export type SessionReader = ReturnType<typeof createSessionReader>;

export type { RangeMs, RangeS } from './common.js';
export type { KindLatency, KindLatencySummary, StoredTimelinePoint } from './timeline.js';
export type { QueryTotals, QueryWindowPoint } from './queries.js';
export type { PoolEvents, PoolSampleRecord } from './pool.js';
export { DEFAULT_POOL } from './pool.js';
export type { RequestTraceEntry } from './trace.js';
export type { ProbeSample, SessionEvent } from './log.js';
export type { LatencyTotals } from './totals.js';
