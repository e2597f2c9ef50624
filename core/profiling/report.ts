import type { CacheAnalyzer } from './cache-analyzer.js';
import { cacheAnalyzer, functionProfiler, queryProfiler } from './defaults.js';
import type { FunctionProfiler } from './function-profiler.js';
import { registeredPoolMonitor, type ConnectionPoolMonitor } from './pool-monitor.js';
import type { QueryProfiler } from './query-profiler.js';
import type { PerformanceReport } from './report-types.js';

/** Which profilers a report reads; each defaults to the process-wide instance. */
export interface ReportSources {
  queries?: QueryProfiler;
  functions?: FunctionProfiler;
  cache?: CacheAnalyzer;
  /** null: no pool section. Default: the registered monitor. */
  pool?: ConnectionPoolMonitor | null;
  /** Slow queries listed (default 20). */
  slowQueryLimit?: number;
}

/** The report sections of ARCHITECTURE.md, from the default instances (or the ones given). */
export function generatePerformanceReport(sources: ReportSources = {}): PerformanceReport {
  const queries = sources.queries ?? queryProfiler;
  const functions = sources.functions ?? functionProfiler;
  const cache = sources.cache ?? cacheAnalyzer;
  const pool = sources.pool === undefined ? registeredPoolMonitor() : sources.pool;
  const timing = functions.timing();
  return {
    generated_at: new Date().toISOString(),
    queries: queries.getQueryStats(),
    slow_queries: queries.getSlowQueries(sources.slowQueryLimit ?? 20),
    n_plus_one: queries.detectNPlusOne(),
    pool: pool === null ? null : pool.getStats(),
    cache: cache.getStats(),
    functions: functions.getStats(),
    call_tree: functions.getCallTree(),
    ...(timing.timed_traces < timing.traces ? { function_timing: { traces: timing.traces, timed_traces: timing.timed_traces, budget_per_s: functions.timingBudget } } : {}),
  };
}
