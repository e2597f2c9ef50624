import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LatencyHistogram } from '../../../core/profiling/histogram.js';
import type { RequestTraceRow, Store, TableName, TableRows, TimelineRow } from '../../../core/store/index.js';

/** A fresh folder under the OS temp dir; remove() deletes it. */
export function tempDir(): { dir: string; dbPath: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sw-store-'));
  return { dir, dbPath: join(dir, 'nested', 'workbench.sqlite'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function newRecording(store: Store, name = 'run'): string {
  return store.sessions.create({ name, target_kind: 'embedded', target: { url: 'http://127.0.0.1:8080' }, profile: 'baseline' }).id;
}

export function timelineRow(sessionId: string, t_s: number, requests = 100): TimelineRow {
  return {
    session_id: sessionId,
    t_s,
    requests,
    rps: requests,
    errors: 0,
    p50_ms: 2,
    p95_ms: 8,
    p99_ms: 15,
    pool_checked_out: 3,
    pool_waiting: 0,
    cache_hit_rate: 0.8,
    queries: 250,
  };
}

export function traceRow(sessionId: string, seq: number): RequestTraceRow {
  return {
    session_id: sessionId,
    seq,
    t_offset_ms: seq * 2,
    kind: seq % 2 === 0 ? 'cached' : 'unique',
    method: 'POST',
    path: '/api/v1/policy/evaluate',
    body: JSON.stringify({ user_id: `user-${seq}`, action: 'tool:invoke', tool_id: 'tool-7' }),
    status: 200,
    latency_ms: 1.5,
    error_class: null,
  };
}

/** One valid row for every writable table (the type makes sure no table is forgotten). */
export function oneRowPerTable(sessionId: string): { [T in TableName]: TableRows[T] } {
  const hist = LatencyHistogram.from([1, 2, 4]).encode();
  const buckets = [{ from_ms: 0, to_ms: 1, count: 3 }, { from_ms: 1, to_ms: null, count: 1 }];
  const dist = { min: 0, max: 5, avg: 2, p95: 5, p99: 5 };
  return {
    timeline: timelineRow(sessionId, 0),
    latency_windows: { session_id: sessionId, t_s: 0, kind: 'cached', count: 3, errors: 0, hist },
    query_stats: { session_id: sessionId, fingerprint: 'fp', query: 'SELECT $1', count: 3, errors: 0, total_ms: 7, mean_ms: 7 / 3, p50_ms: 2, p95_ms: 4, p99_ms: 4, max_ms: 4, rows: 3, hist },
    query_windows: { session_id: sessionId, t_s: 0, fingerprint: 'fp', count: 3, total_ms: 7 },
    slow_queries: { session_id: sessionId, fingerprint: 'fp', query: 'SELECT pg_sleep($1)', statement: 'SELECT pg_sleep(0.15)', duration_ms: 151, rows: 1, at_ms: 1_000, call_site: 'a.ts:1', error: null },
    n_plus_one: { session_id: sessionId, fingerprint: 'fp', detection: 'trace', query: 'q', occurrences: 6, traces_affected: 1, max_per_trace: 6, total_duration_ms: 6, example: 'q', call_site: null },
    pool_samples: { session_id: sessionId, t_ms: 1_000, size: 5, total: 5, checked_out: 5, idle: 0, waiting: 3, overflow: 0 },
    pool_events: { session_id: sessionId, kind: 'exhaustion', at_ms: 1_000, duration_ms: 250, peak_waiting: 3, call_site: null },
    pool_stats: {
      session_id: sessionId,
      data: {
        size: 5, max_overflow: 0, samples: 1, checked_out: dist, overflow: dist, waiting: dist, exhaustion_events: 1,
        exhaustion_time_pct: 10, avg_checkout_ms: 3, checkout_ms: { mean: 3, p50: 3, p95: 5, p99: 5, max: 5 }, events: [], long_held: [],
      },
    },
    cache_patterns: { session_id: sessionId, pattern: 'policy:user:*', operations: 10, hits: 8, misses: 2, hit_rate: 0.8, avg_latency_ms: 0.4 },
    cache_sensitivity: { session_id: sessionId, sensitivity: 'critical', ttl_s: 30, operations: 10, hits: 4, misses: 6, hit_rate: 0.4, avg_latency_ms: 0.5 },
    cache_invalidations: { session_id: sessionId, trigger: 'policy_update', count: 2, keys_removed: 40 },
    cache_stats: {
      session_id: sessionId, operations: 20, gets: 16, sets: 4, deletes: 0, hits: 12, misses: 4, hit_rate: 0.75,
      hit_avg_ms: 0.3, hit_p95_ms: 0.9, miss_avg_ms: 0.6, miss_p95_ms: 1.5, hit_latency_histogram: buckets, miss_latency_histogram: buckets,
    },
    function_stats: { session_id: sessionId, name: 'evaluate_policy', calls: 3, errors: 0, total_ms: 7, self_ms: 5, mean_ms: 7 / 3, p95_ms: 4, p99_ms: 4, hist },
    call_tree: { session_id: sessionId, tree: [{ name: 'http_request', calls: 3, total_ms: 9, self_ms: 2, children: [] }] },
    recommendations: { session_id: sessionId, rank: 1, id: 'pool-size', title: 'Raise the pool size', impact: 'high', effort: 'low', evidence: ['p99 checked out 5 of 5'], action: 'poolSize=30' },
    request_trace: traceRow(sessionId, 0),
    probe_samples: { session_id: sessionId, probe: 'redis_info', t_ms: 1_000, data: { keyspace_hits: 12 } },
    events: { session_id: sessionId, t_ms: 1_000, level: 'info', kind: 'phase', message: 'sustained' },
    latency_totals: { session_id: sessionId, kind: '*', requests: 3, errors: 0, mean_ms: 7 / 3, p50_ms: 2, p95_ms: 4, p99_ms: 4, max_ms: 4, hist },
    report_sections: { session_id: sessionId, name: 'errors_by_class', data: { timeout: 1 } },
  };
}
