import { readFileSync } from 'node:fs';
import { packageRoot } from '../common/paths.js';
import { LatencyHistogram } from '../profiling/histogram.js';
import type { CacheSection, Check, FunctionTiming, LatencyMs, QueriesSection, TimelinePoint } from '../profiling/report-types.js';
import type { SessionRecord, Store } from '../store/index.js';
import { REPORT_SCHEMA_VERSION, type KindLatency, type ReportProbes, type ReportSession, type SessionReport } from './types.js';

/**
 * Assembles a session's report from the store: the one place that turns stored rows into the
 * report JSON of ARCHITECTURE.md (CLI `report`, `export`, the API's `sessions/get`).
 */

/** Named report_sections rows. */
export const SECTION = {
  checks: 'checks',
  queryTotals: 'query_totals',
  errorsByClass: 'errors_by_class',
  probes: 'probes',
  functionTiming: 'function_timing',
} as const;

/** Default slow-query threshold (the seed's 100 ms), when a session did not record its own. */
const DEFAULT_SLOW_MS = 100;

let version: string | undefined;
export function workbenchVersion(): string {
  if (version === undefined) {
    try {
      version = (JSON.parse(readFileSync(`${packageRoot()}/package.json`, 'utf8')) as { version?: string }).version ?? '0.0.0';
    } catch {
      version = '0.0.0';
    }
  }
  return version;
}

const EMPTY_LATENCY: LatencyMs = { mean: 0, p50: 0, p95: 0, p99: 0, max: 0 };

function latencyOf(h: LatencyHistogram): LatencyMs {
  return { mean: h.meanMs, p50: h.percentile(50), p95: h.percentile(95), p99: h.percentile(99), max: h.maxMs };
}

interface LatencyPart {
  byKind: KindLatency[];
  overall: { requests: number; errors: number; latency_ms: LatencyMs };
  histograms: Record<string, string>;
}

/** From the totals written at the end; a session still recording (or interrupted) merges its windows. */
function latencyPart(store: Store, id: string): LatencyPart {
  const totals = store.reader.getLatencyTotals(id);
  if (totals.length > 0) {
    const histograms: Record<string, string> = {};
    const byKind: KindLatency[] = [];
    let overall = { requests: 0, errors: 0, latency_ms: EMPTY_LATENCY };
    for (const t of totals) {
      const lat = { mean: t.mean_ms, p50: t.p50_ms, p95: t.p95_ms, p99: t.p99_ms, max: t.max_ms };
      if (t.kind === '*') overall = { requests: t.requests, errors: t.errors, latency_ms: lat };
      else {
        byKind.push({ kind: t.kind, requests: t.requests, errors: t.errors, latency_ms: lat });
        if (t.hist) histograms[t.kind] = t.hist;
      }
    }
    return { byKind, overall, histograms };
  }
  const kinds = store.reader.getLatencyByKind(id);
  const merged = new LatencyHistogram();
  let errors = 0;
  const histograms: Record<string, string> = {};
  for (const k of kinds) {
    merged.add(k.histogram);
    errors += k.errors;
    histograms[k.kind] = k.histogram.encode();
  }
  return {
    byKind: kinds.map((k) => ({ kind: k.kind, requests: k.count, errors: k.errors, latency_ms: latencyOf(k.histogram) })),
    overall: { requests: merged.count, errors, latency_ms: merged.count > 0 ? latencyOf(merged) : EMPTY_LATENCY },
    histograms,
  };
}

function sessionPart(s: SessionRecord): ReportSession {
  return {
    id: s.id,
    name: s.name,
    status: s.status,
    source: s.source,
    target_kind: s.target_kind,
    target: s.target,
    profile: s.profile,
    knobs: s.knobs,
    load: s.load_config ?? {},
    seed: s.seed,
    started_at: s.started_at,
    ended_at: s.ended_at,
    duration_s: s.duration_s ?? 0,
    parent_id: s.parent_id,
    workbench_version: workbenchVersion(),
  };
}

function queriesPart(store: Store, id: string): QueriesSection {
  const stored = store.reader.getReportSection<{ total_queries: number; avg_duration_ms: number; slow_queries_count: number; slow_query_threshold_ms: number }>(
    id,
    SECTION.queryTotals,
  );
  const totals = stored ?? { ...store.reader.getQueryTotals(id), slow_query_threshold_ms: DEFAULT_SLOW_MS };
  return { ...totals, by_fingerprint: store.reader.getQueryStats(id) };
}

function timelinePart(store: Store, id: string): TimelinePoint[] {
  return store.reader.getTimeline(id).map((p) => ({
    t_s: p.t_s,
    rps: p.rps,
    p50_ms: p.p50_ms,
    p95_ms: p.p95_ms,
    p99_ms: p.p99_ms,
    errors: p.errors,
    pool_checked_out: p.pool_checked_out,
    pool_waiting: p.pool_waiting,
    cache_hit_rate: p.cache_hit_rate,
  }));
}

function encodeAll(m: Map<string, LatencyHistogram>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, h] of m) out[k] = h.encode();
  return out;
}

export function buildSessionReport(store: Store, id: string): SessionReport {
  const s = store.sessions.require(id);
  const latency = latencyPart(store, id);
  const cache: CacheSection | null = store.reader.getCache(id);
  const durationS = s.duration_s ?? 0;
  const throughput = s.summary?.throughput_rps ?? (durationS > 0 ? latency.overall.requests / durationS : 0);
  const checks = store.reader.getReportSection<Check[]>(id, SECTION.checks) ?? [];
  return {
    schema_version: REPORT_SCHEMA_VERSION,
    session: sessionPart(s),
    summary: {
      requests: latency.overall.requests,
      errors: latency.overall.errors,
      throughput_rps: throughput,
      latency_ms: latency.overall.latency_ms,
      cache_hit_rate: cache && cache.hits + cache.misses > 0 ? cache.hit_rate : (s.summary?.hit_rate ?? null),
      checks,
    },
    latency: {
      by_kind: latency.byKind,
      errors_by_class: store.reader.getReportSection<Record<string, number>>(id, SECTION.errorsByClass) ?? {},
    },
    queries: queriesPart(store, id),
    slow_queries: store.reader.getSlowQueries(id),
    n_plus_one: store.reader.getNPlusOne(id),
    pool: store.reader.getPool(id),
    cache,
    functions: store.reader.getFunctionStats(id),
    call_tree: store.reader.getCallTree(id),
    recommendations: store.reader.getRecommendations(id),
    timeline: timelinePart(store, id),
    histograms: {
      latency_by_kind: latency.histograms,
      queries: encodeAll(store.reader.getQueryHistograms(id)),
      functions: encodeAll(store.reader.getFunctionHistograms(id)),
    },
    probes: store.reader.getReportSection<ReportProbes>(id, SECTION.probes) ?? null,
    ...functionTimingPart(store, id),
  };
}

function functionTimingPart(store: Store, id: string): { function_timing?: FunctionTiming } {
  const timing = store.reader.getReportSection<FunctionTiming>(id, SECTION.functionTiming);
  return timing ? { function_timing: timing } : {};
}
