import type { CacheInvalidation, CachePatternStats, CacheSection, CacheSensitivityStats, LatencyBucket } from '../../profiling/report-types.js';
import type { StatementCache } from '../statement-cache.js';
import { parseJson } from '../session-row.js';

interface CacheStatsDbRow {
  operations: number;
  gets: number;
  sets: number;
  deletes: number;
  hits: number;
  misses: number;
  hit_rate: number;
  hit_avg_ms: number;
  hit_p95_ms: number;
  miss_avg_ms: number;
  miss_p95_ms: number;
  hit_latency_histogram: string;
  miss_latency_histogram: string;
}

export function cacheReaders(stmts: StatementCache) {
  /** Most operations first. */
  function getCachePatterns(sessionId: string): CachePatternStats[] {
    return stmts
      .get(
        `SELECT pattern, operations, hits, misses, hit_rate, avg_latency_ms FROM cache_patterns
         WHERE session_id = ? ORDER BY operations DESC, pattern`,
      )
      .all(sessionId) as CachePatternStats[];
  }

  /** Most operations first. */
  function getCacheSensitivity(sessionId: string): CacheSensitivityStats[] {
    return stmts
      .get(
        `SELECT sensitivity, ttl_s, operations, hits, misses, hit_rate, avg_latency_ms FROM cache_sensitivity
         WHERE session_id = ? ORDER BY operations DESC, sensitivity`,
      )
      .all(sessionId) as CacheSensitivityStats[];
  }

  /** Most frequent trigger first. */
  function getCacheInvalidations(sessionId: string): CacheInvalidation[] {
    return stmts
      .get('SELECT trigger, count, keys_removed FROM cache_invalidations WHERE session_id = ? ORDER BY count DESC, trigger')
      .all(sessionId) as CacheInvalidation[];
  }

  /** The report's CacheSection; null when the session recorded no cache totals. */
  function getCache(sessionId: string): CacheSection | null {
    const t = stmts
      .get(
        `SELECT operations, gets, sets, deletes, hits, misses, hit_rate, hit_avg_ms, hit_p95_ms, miss_avg_ms, miss_p95_ms,
           hit_latency_histogram, miss_latency_histogram FROM cache_stats WHERE session_id = ?`,
      )
      .get(sessionId) as CacheStatsDbRow | undefined;
    if (t === undefined) return null;
    return {
      operations: t.operations,
      gets: t.gets,
      sets: t.sets,
      deletes: t.deletes,
      hits: t.hits,
      misses: t.misses,
      hit_rate: t.hit_rate,
      hit_latency_ms: { avg: t.hit_avg_ms, p95: t.hit_p95_ms },
      miss_latency_ms: { avg: t.miss_avg_ms, p95: t.miss_p95_ms },
      by_pattern: getCachePatterns(sessionId),
      by_sensitivity: getCacheSensitivity(sessionId),
      invalidations: getCacheInvalidations(sessionId),
      hit_latency_histogram: parseJson<LatencyBucket[]>(t.hit_latency_histogram, sessionId, 'cache_stats.hit_latency_histogram'),
      miss_latency_histogram: parseJson<LatencyBucket[]>(t.miss_latency_histogram, sessionId, 'cache_stats.miss_latency_histogram'),
    };
  }

  return { getCache, getCachePatterns, getCacheSensitivity, getCacheInvalidations };
}
