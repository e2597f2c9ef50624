import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exactPercentile, LatencyHistogram } from '../../../core/profiling/histogram.js';
import { createBatchedWriter, openStore, type Store, type TableName } from '../../../core/store/index.js';
import { newRecording, oneRowPerTable, timelineRow, traceRow } from './helpers.js';

describe('session readers', () => {
  let store: Store;
  let id: string;
  beforeEach(() => {
    store = openStore(':memory:');
    id = newRecording(store);
  });
  afterEach(() => store.close());

  it('read every section back in the report shapes', () => {
    const rows = oneRowPerTable(id);
    for (const [table, row] of Object.entries(rows)) store.write(table as TableName, [row]);
    const r = store.reader;
    expect(r.getQueryStats(id)).toEqual([
      { fingerprint: 'fp', query: 'SELECT $1', count: 3, errors: 0, total_ms: 7, mean_ms: 7 / 3, p50_ms: 2, p95_ms: 4, p99_ms: 4, max_ms: 4, rows: 3 },
    ]);
    expect(r.getQueryTotals(id)).toEqual({ total_queries: 3, avg_duration_ms: 7 / 3, slow_queries_count: 1 });
    expect(r.getSlowQueries(id)).toEqual([
      { fingerprint: 'fp', query: 'SELECT pg_sleep($1)', statement: 'SELECT pg_sleep(0.15)', duration_ms: 151, rows: 1, at: '1970-01-01T00:00:01.000Z', call_site: 'a.ts:1', error: null },
    ]);
    expect(r.getNPlusOne(id)).toEqual([
      { fingerprint: 'fp', query: 'q', occurrences: 6, traces_affected: 1, max_per_trace: 6, total_duration_ms: 6, example: 'q', call_site: null, detection: 'trace' },
    ]);
    expect(r.getPool(id)).toEqual(rows.pool_stats.data);
    expect(r.getPool(id, 'audit')).toBeNull();
    expect(r.listPools(id)).toEqual(['default']);
    expect(r.getPoolSamples(id)).toEqual([{ pool: 'default', t_ms: 1_000, size: 5, total: 5, checked_out: 5, idle: 0, waiting: 3, overflow: 0 }]);
    expect(r.getPoolEvents(id)).toEqual({ exhaustion: [{ pool: 'default', start: '1970-01-01T00:00:01.000Z', duration_ms: 250, peak_waiting: 3 }], long_held: [] });
    expect(r.getCache(id)).toEqual({
      operations: 20, gets: 16, sets: 4, deletes: 0, hits: 12, misses: 4, hit_rate: 0.75,
      hit_latency_ms: { avg: 0.3, p95: 0.9 }, miss_latency_ms: { avg: 0.6, p95: 1.5 },
      by_pattern: [{ pattern: 'policy:user:*', operations: 10, hits: 8, misses: 2, hit_rate: 0.8, avg_latency_ms: 0.4 }],
      by_sensitivity: [{ sensitivity: 'critical', ttl_s: 30, operations: 10, hits: 4, misses: 6, hit_rate: 0.4, avg_latency_ms: 0.5 }],
      invalidations: [{ trigger: 'policy_update', count: 2, keys_removed: 40 }],
      hit_latency_histogram: rows.cache_stats.hit_latency_histogram,
      miss_latency_histogram: rows.cache_stats.miss_latency_histogram,
    });
    expect(r.getFunctionStats(id)).toEqual([{ name: 'evaluate_policy', calls: 3, errors: 0, total_ms: 7, self_ms: 5, mean_ms: 7 / 3, p95_ms: 4, p99_ms: 4 }]);
    expect(r.getFunctionHistograms(id).get('evaluate_policy')?.percentile(100)).toBeCloseTo(4, 2);
    expect(r.getCallTree(id)).toEqual(rows.call_tree.tree);
    expect(r.getRecommendations(id)).toEqual([{ id: 'pool-size', title: 'Raise the pool size', impact: 'high', effort: 'low', evidence: ['p99 checked out 5 of 5'], action: 'poolSize=30' }]);
    expect(r.getProbeSamples(id, { probe: 'redis_info' })).toEqual([{ probe: 'redis_info', t_ms: 1_000, data: { keyspace_hits: 12 } }]);
    expect(r.getEvents(id, { minLevel: 'info' })).toEqual([{ t_ms: 1_000, level: 'info', kind: 'phase', message: 'sustained' }]);
    expect(r.getEvents(id, { minLevel: 'warn' })).toEqual([]);
  });

  it('a session with nothing recorded reads as empty sections, not errors', () => {
    const r = store.reader;
    expect([r.getQueryStats(id), r.getTimeline(id), r.getNPlusOne(id), r.getCallTree(id), r.getLatencyByKind(id)]).toEqual([[], [], [], [], []]);
    expect([r.getCache(id), r.getPool(id)]).toEqual([null, null]);
    expect(r.getQueryTotals(id)).toEqual({ total_queries: 0, avg_duration_ms: 0, slow_queries_count: 0 });
    expect(r.getMergedLatency(id).count).toBe(0);
  });

  it('sorts query stats by total time and the timeline by second, within a range', () => {
    const q = oneRowPerTable(id).query_stats;
    store.write('query_stats', [
      { ...q, fingerprint: 'small', total_ms: 5 },
      { ...q, fingerprint: 'big', total_ms: 500 },
      { ...q, fingerprint: 'mid', total_ms: 50 },
    ]);
    expect(store.reader.getQueryStats(id).map((s) => s.fingerprint)).toEqual(['big', 'mid', 'small']);
    store.write('timeline', [5, 1, 3, 2, 4, 0].map((t) => timelineRow(id, t, 100 + t)));
    expect(store.reader.getTimeline(id).map((p) => p.t_s)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(store.reader.getTimeline(id, { fromS: 2, toS: 4 }).map((p) => p.requests)).toEqual([102, 103, 104]);
  });

  it('merges latency windows per kind into the same percentiles as the raw durations', () => {
    let seed = 7;
    const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const raw: Record<string, number[]> = { cached: [], unique: [] };
    const firstTenSeconds: number[] = [];
    for (let t = 0; t < 60; t++) {
      for (const kind of ['cached', 'unique'] as const) {
        const durations = Array.from({ length: 200 }, () => (kind === 'cached' ? 0.5 + random() * 3 : 5 + random() ** 3 * 400));
        raw[kind]!.push(...durations);
        if (t < 10) firstTenSeconds.push(...durations);
        store.write('latency_windows', [{ session_id: id, t_s: t, kind, count: durations.length, errors: t === 0 ? 1 : 0, hist: LatencyHistogram.from(durations).encode() }]);
      }
    }
    const byKind = store.reader.getLatencyByKind(id);
    expect(byKind.map((k) => [k.kind, k.count, k.errors])).toEqual([['cached', 12_000, 1], ['unique', 12_000, 1]]);
    for (const k of byKind) {
      for (const p of [50, 95, 99]) {
        const exact = exactPercentile(raw[k.kind]!, p);
        expect(Math.abs(k.histogram.percentile(p) - exact) / exact).toBeLessThan(0.01);
      }
    }
    const summary = store.reader.getLatencySummaryByKind(id).find((k) => k.kind === 'unique')!;
    expect(summary.latency_ms.max).toBe(Math.max(...raw.unique!));
    const early = store.reader.getMergedLatency(id, { toS: 9 });
    expect(early.count).toBe(firstTenSeconds.length);
    const p99 = exactPercentile(firstTenSeconds, 99);
    expect(Math.abs(early.histogram.percentile(99) - p99) / p99).toBeLessThan(0.01);
    expect(store.reader.getMergedLatency(id, { kinds: ['cached'] })).toMatchObject({ kind: 'cached', count: 12_000 });
  });

  it('iterates the request trace in seq order a page at a time, while the same store keeps writing', () => {
    const seqs = Array.from({ length: 2_345 }, (_, i) => i);
    for (let i = seqs.length - 1; i > 0; i--) {
      const j = (i * 7_919) % (i + 1);
      [seqs[i], seqs[j]] = [seqs[j]!, seqs[i]!];
    }
    store.write('request_trace', seqs.map((s) => traceRow(id, s)));
    const replay = store.sessions.create({ target_kind: 'embedded', target: {}, source: 'replay', parent_id: id });
    const writer = createBatchedWriter(store, { flushIntervalMs: 600_000 });
    const seen: number[] = [];
    for (const entry of store.reader.iterateRequestTrace(id, { pageRows: 100 })) {
      seen.push(entry.seq);
      // A replay records its new session through the same connection mid-iteration.
      writer.push('request_trace', { ...traceRow(replay.id, entry.seq), latency_ms: 2 });
      if (entry.seq % 500 === 0) writer.flush();
    }
    writer.close();
    expect(seen).toEqual(Array.from({ length: 2_345 }, (_, i) => i));
    expect(store.reader.countRequestTrace(replay.id)).toBe(2_345);
    expect([...store.reader.iterateRequestTrace(id, { fromSeq: 2_340 })].map((e) => e.seq)).toEqual([2_340, 2_341, 2_342, 2_343, 2_344]);
  });

  it('replace() swaps a whole set (recommendations re-derived) and refuses rows of another session', () => {
    const rec = oneRowPerTable(id).recommendations;
    store.write('recommendations', [rec, { ...rec, rank: 2, id: 'n-plus-one' }, { ...rec, rank: 3, id: 'index' }]);
    store.replace('recommendations', id, [{ ...rec, id: 'only-this' }]);
    expect(store.reader.getRecommendations(id).map((r) => r.id)).toEqual(['only-this']);
    expect(() => store.replace('recommendations', id, [{ ...rec, session_id: 's-other' }])).toThrow(/must belong to session/);
  });

  it('a damaged stored histogram is a clear error naming what it belongs to', () => {
    store.write('latency_windows', [{ session_id: id, t_s: 4, kind: 'cached', count: 1, errors: 0, hist: 'garbage' }]);
    expect(() => store.reader.getLatencyByKind(id)).toThrow(/histogram of session .* latency window 4 s \(cached\) is damaged/);
  });
});
