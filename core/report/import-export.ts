import { writeFileSync } from 'node:fs';
import { UsageError } from '../common/errors.js';
import { cacheStatsRow, type JsonObject, type SessionRecord, type Store, type TableName, type TableRows } from '../store/index.js';
import { buildSessionReport, SECTION } from './build.js';
import type { SessionReport } from './types.js';
import { readReportFile, validateReport } from './validate.js';

/**
 * Export writes the report JSON (validated, so we never write a file we would refuse to read);
 * import validates a file and stores it as a new session in one transaction, so a bad file
 * changes nothing. The request trace is not exported: it holds request bodies, and a report is
 * meant to be shared.
 */

export function exportReport(store: Store, id: string): SessionReport {
  const report = buildSessionReport(store, id);
  return validateReport(JSON.parse(JSON.stringify(report)), `session ${id}`);
}

export function exportReportToFile(store: Store, id: string, path: string): SessionReport {
  const report = exportReport(store, id);
  try {
    writeFileSync(path, JSON.stringify(report, null, 2) + '\n');
  } catch (err) {
    throw new UsageError(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return report;
}

function rowsFor(id: string, r: SessionReport): { [T in TableName]?: TableRows[T][] } {
  const at = (iso: string | null | undefined) => (iso ? Date.parse(iso) || 0 : 0);
  const c = r.cache;
  return {
    timeline: r.timeline.map((p) => ({ session_id: id, ...p, requests: Math.round(p.rps), queries: null })),
    latency_totals: [
      { session_id: id, kind: '*', requests: r.summary.requests, errors: r.summary.errors, mean_ms: r.summary.latency_ms.mean, p50_ms: r.summary.latency_ms.p50, p95_ms: r.summary.latency_ms.p95, p99_ms: r.summary.latency_ms.p99, max_ms: r.summary.latency_ms.max, hist: null },
      ...r.latency.by_kind.map((k) => ({
        session_id: id,
        kind: k.kind,
        requests: k.requests,
        errors: k.errors,
        mean_ms: k.latency_ms.mean,
        p50_ms: k.latency_ms.p50,
        p95_ms: k.latency_ms.p95,
        p99_ms: k.latency_ms.p99,
        max_ms: k.latency_ms.max,
        hist: r.histograms.latency_by_kind[k.kind] ?? null,
      })),
    ],
    query_stats: r.queries.by_fingerprint.map((q) => ({
      session_id: id,
      ...q,
      errors: q.errors ?? 0,
      p50_ms: q.p50_ms ?? q.mean_ms,
      hist: r.histograms.queries[q.fingerprint] ?? null,
    })),
    slow_queries: r.slow_queries.map((q) => ({
      session_id: id,
      fingerprint: q.fingerprint,
      query: q.query,
      statement: q.statement ?? q.query,
      duration_ms: q.duration_ms,
      rows: q.rows ?? 0,
      at_ms: at(q.at),
      call_site: q.call_site ?? null,
      error: q.error ?? null,
    })),
    n_plus_one: r.n_plus_one.map((n) => ({
      session_id: id,
      fingerprint: n.fingerprint,
      detection: n.detection ?? 'trace',
      query: n.query,
      occurrences: n.occurrences,
      traces_affected: n.traces_affected ?? 0,
      max_per_trace: n.max_per_trace ?? 0,
      total_duration_ms: n.total_duration_ms,
      example: n.example,
      call_site: n.call_site,
    })),
    pool_stats: r.pool ? [{ session_id: id, data: r.pool }] : [],
    cache_stats: c ? [cacheStatsRow(id, c)] : [],
    cache_patterns: (c?.by_pattern ?? []).map((p) => ({ session_id: id, ...p })),
    cache_sensitivity: (c?.by_sensitivity ?? []).map((s) => ({ session_id: id, ...s, ttl_s: s.ttl_s ?? null, avg_latency_ms: s.avg_latency_ms ?? 0 })),
    cache_invalidations: (c?.invalidations ?? []).map((i) => ({ session_id: id, ...i, keys_removed: i.keys_removed ?? 0 })),
    function_stats: r.functions.map((f) => ({ session_id: id, ...f, errors: f.errors ?? 0, hist: r.histograms.functions[f.name] ?? null })),
    call_tree: r.call_tree.length ? [{ session_id: id, tree: r.call_tree }] : [],
    recommendations: r.recommendations.map((x, i) => ({ session_id: id, rank: i + 1, ...x })),
    report_sections: [
      { session_id: id, name: SECTION.checks, data: r.summary.checks as unknown as TableRows['report_sections']['data'] },
      {
        session_id: id,
        name: SECTION.queryTotals,
        data: {
          total_queries: r.queries.total_queries,
          avg_duration_ms: r.queries.avg_duration_ms,
          slow_queries_count: r.queries.slow_queries_count,
          slow_query_threshold_ms: r.queries.slow_query_threshold_ms ?? 100,
        },
      },
      { session_id: id, name: SECTION.errorsByClass, data: r.latency.errors_by_class },
      ...(r.probes ? [{ session_id: id, name: SECTION.probes, data: r.probes as unknown as TableRows['report_sections']['data'] }] : []),
      ...(r.function_timing ? [{ session_id: id, name: SECTION.functionTiming, data: r.function_timing as unknown as TableRows['report_sections']['data'] }] : []),
    ],
  };
}

/** Stores a validated report as a new, completed session; all or nothing. */
export function importReport(store: Store, report: SessionReport, options: { name?: string } = {}): SessionRecord {
  return store.transaction(() => {
    const s = report.session;
    const created = store.sessions.create({
      name: options.name ?? s.name,
      target_kind: s.target_kind,
      target: { ...(s.target as JsonObject), imported_from: s.id },
      profile: s.profile,
      knobs: s.knobs as JsonObject,
      load_config: s.load as JsonObject,
      seed: s.seed,
      parent_id: null,
      source: 'imported',
      status: 'completed',
      started_at: s.started_at ?? new Date().toISOString(),
      ended_at: s.ended_at ?? s.started_at ?? new Date().toISOString(),
      duration_s: s.duration_s,
      summary: {
        requests: report.summary.requests,
        errors: report.summary.errors,
        throughput_rps: report.summary.throughput_rps,
        p50_ms: report.summary.latency_ms.p50,
        p95_ms: report.summary.latency_ms.p95,
        p99_ms: report.summary.latency_ms.p99,
        hit_rate: report.summary.cache_hit_rate,
      },
    });
    const rows = rowsFor(created.id, report);
    for (const table of Object.keys(rows) as TableName[]) {
      const list = rows[table] as TableRows[typeof table][] | undefined;
      if (list && list.length > 0) store.write(table, list);
    }
    return created;
  });
}

export function importReportFile(store: Store, path: string, options: { name?: string } = {}): SessionRecord {
  return importReport(store, readReportFile(path), options);
}
