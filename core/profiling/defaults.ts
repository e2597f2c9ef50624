import { CacheAnalyzer } from './cache-analyzer.js';
import { FunctionProfiler } from './function-profiler.js';
import { QueryProfiler } from './query-profiler.js';

/**
 * The process-wide default instances (the seed's module-level `query_profiler`,
 * `function_profiler`, `cache_analyzer`). Reports, snapshots and metrics read these unless
 * given others.
 */
export const queryProfiler = new QueryProfiler();
export const functionProfiler = new FunctionProfiler();
export const cacheAnalyzer = new CacheAnalyzer();
