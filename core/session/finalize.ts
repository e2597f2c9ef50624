import { computeChecks } from '../analysis/checks.js';
import type { PlanDb } from '../analysis/explain.js';
import { recommend } from '../analysis/recommend.js';
import { errorMessage } from '../common/errors.js';
import type { LoadTotals } from '../load/types.js';
import type { PerformanceReport } from '../profiling/report-types.js';
import { buildSessionReport, SECTION } from '../report/build.js';
import { cacheStatsRow, type BatchedWriter, type FinalStatus, type JsonValue, type SessionSummary, type Store, type TableRows } from '../store/index.js';
import type { ProbeSections } from './probes-runner.js';

/**
 * The end of a recording: whole-session totals, the sections the probes produced, the
 * recommendations and the critical-metrics checks (computed from what was stored, exactly as a
 * later `report` will read it), then the final status.
 */

export interface FinalizeInput {
  totals: LoadTotals | null;
  /** The embedded server's last profiling report (null for external targets). */
  profile: PerformanceReport | null;
  probes: ProbeSections | null;
  status: FinalStatus;
  error?: string;
  /** A read-only connection to the target's database for EXPLAIN-verified index advice. */
  planDb?: PlanDb;
  durationS: number;
}

function totalsRows(id: string, t: LoadTotals): TableRows['latency_totals'][] {
  const row = (kind: string, requests: number, errors: number, l: LoadTotals['latency_ms'], hist: string) => ({
    session_id: id,
    kind,
    requests,
    errors,
    mean_ms: l.mean,
    p50_ms: l.p50,
    p95_ms: l.p95,
    p99_ms: l.p99,
    max_ms: l.max,
    hist,
  });
  return [row('*', t.requests, t.error_count, t.latency_ms, t.histogram), ...t.by_kind.filter((k) => k.requests > 0).map((k) => row(k.kind, k.requests, k.errors, k.latency_ms, k.histogram))];
}

/** Probe sections become the same tables the embedded profiler fills. */
function probeRows(id: string, p: ProbeSections, w: BatchedWriter): void {
  const q = p.postgres?.queries;
  if (q) for (const f of q.by_fingerprint) w.push('query_stats', { session_id: id, ...f, errors: f.errors ?? 0, hist: null });
  for (const s of p.postgres?.slow_queries ?? []) {
    w.push('slow_queries', { session_id: id, fingerprint: s.fingerprint, query: s.query, statement: s.statement, duration_ms: s.duration_ms, rows: s.rows, at_ms: Date.parse(s.at) || Date.now(), call_site: s.call_site, error: s.error });
  }
  const c = p.redis?.cache;
  if (c) {
    w.push('cache_stats', cacheStatsRow(id, c));
    for (const pat of c.by_pattern) w.push('cache_patterns', { session_id: id, ...pat });
  }
}

export async function finalizeSession(store: Store, writer: BatchedWriter, id: string, input: FinalizeInput): Promise<void> {
  const w = writer;
  if (input.totals) {
    for (const r of totalsRows(id, input.totals)) w.push('latency_totals', r);
    w.push('report_sections', { session_id: id, name: SECTION.errorsByClass, data: input.totals.errors_by_class as unknown as JsonValue });
  }
  const q = input.profile?.queries ?? input.probes?.postgres?.queries ?? null;
  if (q) {
    w.push('report_sections', {
      session_id: id,
      name: SECTION.queryTotals,
      data: { total_queries: q.total_queries, avg_duration_ms: q.avg_duration_ms, slow_queries_count: q.slow_queries_count, slow_query_threshold_ms: q.slow_query_threshold_ms },
    });
  }
  const timing = input.profile?.function_timing;
  if (timing) w.push('report_sections', { session_id: id, name: SECTION.functionTiming, data: timing as unknown as JsonValue });
  if (input.probes) {
    if (!input.profile) probeRows(id, input.probes, w);
    const probes = {
      ...(input.probes.postgres ? { postgres: input.probes.postgres.postgres as unknown as JsonValue } : {}),
      ...(input.probes.redis ? { redis: input.probes.redis.redis as unknown as JsonValue } : {}),
      warnings: input.probes.warnings,
    };
    w.push('report_sections', { session_id: id, name: SECTION.probes, data: probes });
  }
  w.flush();

  const report = buildSessionReport(store, id);
  let recommendations = report.recommendations;
  try {
    recommendations = await recommend({ ...report, session: { ...report.session, duration_s: input.durationS } }, { db: input.planDb });
    store.replace(
      'recommendations',
      id,
      recommendations.map((r, i) => ({ session_id: id, rank: i + 1, ...r })),
    );
  } catch (err) {
    store.write('events', [{ session_id: id, t_ms: Date.now(), level: 'warn', kind: 'analysis', message: `recommendations failed: ${errorMessage(err)}` }]);
  }
  const checks = computeChecks({ ...report, recommendations } as Parameters<typeof computeChecks>[0]);
  store.write('report_sections', [{ session_id: id, name: SECTION.checks, data: checks as unknown as JsonValue }]);

  const summary: SessionSummary = {
    requests: report.summary.requests,
    errors: report.summary.errors,
    throughput_rps: input.totals?.throughput_rps ?? report.summary.throughput_rps,
    p50_ms: report.summary.latency_ms.p50,
    p95_ms: report.summary.latency_ms.p95,
    p99_ms: report.summary.latency_ms.p99,
    hit_rate: report.summary.cache_hit_rate,
  };
  store.sessions.finish(id, input.status, { summary, error: input.error });
}
