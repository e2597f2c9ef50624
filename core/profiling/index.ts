/**
 * sark-workbench/profiling: the profiling library a Node service embeds (see README.md here).
 *
 *   import { queryProfiler, cacheAnalyzer, functionProfiler, printPerformanceReport } from 'sark-workbench/profiling';
 *   queryProfiler.instrument(pool);
 *   cacheAnalyzer.instrument(redis);
 *   app.use((req, res, next) => functionProfiler.trace('http_request', next));
 */
export { queryProfiler, functionProfiler, cacheAnalyzer } from './defaults.js';
export { QueryProfiler, type QueryProfilerOptions, type ManualQueryRecord } from './query-profiler.js';
export { DEFAULT_EXCLUDES } from './query-options.js';
export { FunctionProfiler } from './function-profiler.js';
export type { SpanHandle } from './spans.js';
export { withStore } from './context.js';
export { captureCpuProfile, type CpuProfile, type CpuProfileOptions } from './cpu-profile.js';
export {
  ConnectionPoolMonitor,
  registerPoolMonitor,
  registeredPoolMonitor,
  type PoolMonitorOptions,
} from './pool-monitor.js';
export { CacheAnalyzer, type CacheOperationRecord, type CacheOperationKind } from './cache-analyzer.js';
export { defaultKeyPattern, type KeyPatternRule } from './key-patterns.js';
export type { RedisInstrumentOptions } from './redis-instrument.js';
export { generatePerformanceReport, type ReportSources } from './report.js';
export { printPerformanceReport, renderPerformanceReport } from './print-report.js';
export { takeSnapshot, takeSnapshotSpread, type SnapshotOptions } from './snapshot.js';
export { metricsRegistry, POLICY_EVALUATION_SPAN } from './metrics.js';
export { callSiteFromStack } from './call-site.js';
export { LatencyHistogram, exactPercentile, type LatencySummary } from './histogram.js';
export type * from './report-types.js';
export type * from './snapshot-types.js';
