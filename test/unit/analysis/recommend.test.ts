import { describe, expect, it } from 'vitest';
import { recommend } from '../../../core/analysis/recommend.js';
import { batchedRewrite } from '../../../core/analysis/recommend-rules.js';
import type { NPlusOneFinding } from '../../../core/profiling/report-types.js';
import { makeReport } from '../../fixtures/report.js';

const ids = async (r: ReturnType<typeof makeReport>) => (await recommend(r)).map((x) => x.id);

/** A report in which nothing is wrong: every rule must stay silent. */
function healthy() {
  const r = makeReport();
  r.queries.by_fingerprint = [{ fingerprint: 'fp-user', query: 'SELECT id, active FROM users WHERE id = $1', count: 50, errors: 0, total_ms: 50, mean_ms: 1, p50_ms: 1, p95_ms: 2, p99_ms: 3, max_ms: 5, rows: 50 }];
  r.histograms.queries = {};
  r.cache!.by_sensitivity = r.cache!.by_sensitivity.map((s) => ({ ...s, hit_rate: 0.9 }));
  return r;
}

describe('recommendations', () => {
  it('a healthy session gets none', async () => {
    expect(await ids(healthy())).toEqual([]);
  });

  it('pool size: exhausted > 1% of the time with p99 at the limit', async () => {
    const r = healthy();
    r.pool = { ...r.pool!, checked_out: { min: 8, max: 30, avg: 16, p95: 24, p99: 27 }, waiting: { min: 0, max: 6, avg: 1, p95: 4, p99: 6 }, exhaustion_events: 12, exhaustion_time_pct: 2.3 };
    const recs = await recommend(r);
    const pool = recs.find((x) => x.id === 'pool-size');
    expect(pool?.title).toMatch(/from 20 to \d+/);
    expect(pool?.evidence.join(' ')).toContain('2.30%');
    // 30 checked out + 6 waiting, with headroom.
    expect(Number(/to (\d+)/.exec(pool!.title)![1])).toBeGreaterThanOrEqual(36);
  });

  it('pool size: not emitted below the 1% threshold', async () => {
    const r = healthy();
    r.pool = { ...r.pool!, exhaustion_events: 1, exhaustion_time_pct: 0.2 };
    expect(await ids(r)).not.toContain('pool-size');
  });

  it('N+1: one recommendation per finding, with call site and the batched rewrite', async () => {
    const r = healthy();
    const finding: NPlusOneFinding = {
      fingerprint: 'fp-team',
      query: 'SELECT 1 FROM user_team_memberships WHERE user_id = $1 AND team_id = $2',
      occurrences: 456,
      traces_affected: 80,
      max_per_trace: 8,
      total_duration_ms: 2100,
      example: "SELECT 1 FROM user_team_memberships WHERE user_id = 'user-1' AND team_id = 'team-3'",
      call_site: 'core/sark/policy-data.ts:88',
      detection: 'trace',
    };
    r.n_plus_one = [finding];
    const rec = (await recommend(r)).find((x) => x.id.startsWith('n-plus-one'));
    expect(rec?.title).toContain('core/sark/policy-data.ts:88');
    expect(rec?.action).toContain('team_id = ANY($2)');
    expect(rec?.evidence.join(' ')).toContain('456');
  });

  it('batchedRewrite turns the last equality into = ANY', () => {
    expect(batchedRewrite('SELECT * FROM tools WHERE id = $1')).toBe('SELECT * FROM tools WHERE id = ANY($1)');
  });

  it('missing index: the slow analytics query gets the composite CREATE INDEX', async () => {
    const r = makeReport();
    const rec = (await recommend(r)).find((x) => x.id.startsWith('index-policy_decision_logs'));
    expect(rec?.action).toBe(
      'CREATE INDEX CONCURRENTLY idx_policy_decision_logs_timestamp_action_result ON policy_decision_logs (timestamp, action, result) INCLUDE (evaluation_duration_ms);',
    );
    expect(rec?.evidence.join(' ')).toMatch(/Not verified with EXPLAIN/);
  });

  it('missing index: a fast query is left alone', async () => {
    const r = makeReport();
    r.queries.by_fingerprint = r.queries.by_fingerprint.map((q) => ({ ...q, mean_ms: 2, p95_ms: 4, p99_ms: 5, max_ms: 8 }));
    expect((await ids(r)).some((id) => id.startsWith('index-'))).toBe(false);
  });

  it('caching candidate: a hot read of a table nothing writes', async () => {
    const r = healthy();
    r.queries.by_fingerprint.push({ fingerprint: 'fp-tool', query: 'SELECT id, sensitivity FROM tools WHERE id = $1', count: 9000, errors: 0, total_ms: 9000, mean_ms: 1, p50_ms: 1, p95_ms: 2, p99_ms: 2, max_ms: 3, rows: 9000 });
    expect((await ids(r)).some((id) => id.startsWith('cache-') && id.includes('tools'))).toBe(true);
  });

  it('caching candidate: not when the session writes that table', async () => {
    const r = healthy();
    r.queries.by_fingerprint.push(
      { fingerprint: 'fp-tool', query: 'SELECT id, sensitivity FROM tools WHERE id = $1', count: 9000, errors: 0, total_ms: 9000, mean_ms: 1, p50_ms: 1, p95_ms: 2, p99_ms: 2, max_ms: 3, rows: 9000 },
      { fingerprint: 'fp-tool-w', query: 'UPDATE tools SET sensitivity = $1 WHERE id = $2', count: 10, errors: 0, total_ms: 10, mean_ms: 1, p50_ms: 1, p95_ms: 1, p99_ms: 1, max_ms: 1, rows: 10 },
    );
    expect((await ids(r)).some((id) => id.includes('tools'))).toBe(false);
  });

  it('audit batching: one insert per request dominating DB time', async () => {
    const r = healthy();
    r.queries.by_fingerprint.push({ fingerprint: 'fp-ins', query: 'INSERT INTO policy_decision_logs (user_id, tool_id, action, result) VALUES ($1, $2, $3, $4)', count: 15000, errors: 0, total_ms: 45000, mean_ms: 3, p50_ms: 3, p95_ms: 9, p99_ms: 12, max_ms: 30, rows: 15000 });
    expect(await ids(r)).toContain('audit-batching');
  });

  it('audit batching: not when inserts are already batched', async () => {
    const r = healthy();
    r.queries.by_fingerprint.push({ fingerprint: 'fp-ins', query: 'INSERT INTO policy_decision_logs (user_id) SELECT * FROM unnest($1::text[])', count: 150, errors: 0, total_ms: 450, mean_ms: 3, p50_ms: 3, p95_ms: 9, p99_ms: 12, max_ms: 30, rows: 15000 });
    expect(await ids(r)).not.toContain('audit-batching');
  });

  it('redis pipelining: many sequential cache reads per batch request', async () => {
    const r = healthy();
    r.call_tree = [{ name: 'http_request', calls: 100, total_ms: 900, self_ms: 10, children: [{ name: 'evaluate_batch', calls: 100, total_ms: 880, self_ms: 10, children: [{ name: 'get_cached_decision', calls: 1000, total_ms: 800, self_ms: 800, children: [] }] }] }];
    expect(await ids(r)).toContain('redis-pipelining');
    r.call_tree[0]!.children[0]!.children[0]!.calls = 100; // one GET per batch: pipelined already
    expect(await ids(r)).not.toContain('redis-pipelining');
  });

  it('critical TTL and stale-while-revalidate: low critical hit rate at 30 s', async () => {
    const r = makeReport();
    const got = await ids(r);
    expect(got).toContain('critical-ttl');
    expect(got).toContain('stale-while-revalidate');
    r.cache!.by_sensitivity[1] = { ...r.cache!.by_sensitivity[1]!, ttl_s: 60, hit_rate: 0.78 };
    const after = await ids(r);
    expect(after).not.toContain('critical-ttl');
    expect(after).not.toContain('stale-while-revalidate');
  });

  it('prewarm: cold start hit rate far below the steady one', async () => {
    const r = healthy();
    r.timeline = r.timeline.map((p, i) => ({ ...p, cache_hit_rate: i < 5 ? 0.05 : 0.7 }));
    expect(await ids(r)).toContain('prewarm');
    r.timeline = r.timeline.map((p) => ({ ...p, cache_hit_rate: 0.7 }));
    expect(await ids(r)).not.toContain('prewarm');
  });

  it('separate pools: writes dominate while reads wait', async () => {
    const r = healthy();
    r.pool = { ...r.pool!, exhaustion_events: 3, exhaustion_time_pct: 0.5, long_held: [{ held_ms: 1500, call_site: 'core/sark/audit.ts:40', acquired_at: '2026-11-26T12:00:01Z' }] };
    r.queries.by_fingerprint.push({ fingerprint: 'fp-ins', query: 'INSERT INTO policy_decision_logs (user_id) VALUES ($1)', count: 100, errors: 0, total_ms: 5000, mean_ms: 50, p50_ms: 40, p95_ms: 90, p99_ms: 99, max_ms: 99, rows: 100 });
    expect(await ids(r)).toContain('separate-pools');
    r.pool = { ...r.pool!, exhaustion_events: 0 };
    expect(await ids(r)).not.toContain('separate-pools');
  });

  it('ranks by impact (as the seed does), then by the time at stake', async () => {
    const r = makeReport();
    r.pool = { ...r.pool!, checked_out: { min: 8, max: 30, avg: 16, p95: 24, p99: 27 }, exhaustion_events: 12, exhaustion_time_pct: 2.3 };
    const recs = await recommend(r);
    const rank = { high: 0, medium: 1, low: 2 };
    for (let i = 1; i < recs.length; i++) expect(rank[recs[i]!.impact]).toBeGreaterThanOrEqual(rank[recs[i - 1]!.impact]);
    // The analytics query cost ~74 s of database time; pool waits cost well under a second.
    expect(recs[0]!.id).toMatch(/^index-policy_decision_logs/);
    expect(recs.findIndex((x) => x.id === 'pool-size')).toBeGreaterThan(0);
  });
});
