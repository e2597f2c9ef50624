import type { CacheSection } from '../profiling/report-types.js';
import type { CacheStatsRow } from './row-types.js';

/**
 * The CacheSection of a report as its cache_stats row. One mapping for the recorder's snapshots,
 * the probes' sections and imported reports; fields an older or foreign report may lack default
 * to zero or empty.
 */
export function cacheStatsRow(sessionId: string, c: CacheSection): CacheStatsRow {
  return {
    session_id: sessionId,
    operations: c.operations,
    gets: c.gets ?? 0,
    sets: c.sets ?? 0,
    deletes: c.deletes ?? 0,
    hits: c.hits,
    misses: c.misses,
    hit_rate: c.hit_rate,
    hit_avg_ms: c.hit_latency_ms?.avg ?? 0,
    hit_p95_ms: c.hit_latency_ms?.p95 ?? 0,
    miss_avg_ms: c.miss_latency_ms?.avg ?? 0,
    miss_p95_ms: c.miss_latency_ms?.p95 ?? 0,
    hit_latency_histogram: c.hit_latency_histogram ?? [],
    miss_latency_histogram: c.miss_latency_histogram ?? [],
  };
}
