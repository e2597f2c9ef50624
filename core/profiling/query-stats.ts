import { callSiteOf } from './call-site.js';
import type { TraceState } from './context.js';
import { normalizedQuery } from './fingerprints.js';
import { LatencyHistogram } from './histogram.js';
import type { DetectorMark, WindowState } from './n-plus-one.js';
import type { QueryFingerprintStats, SlowQuery } from './report-types.js';
import { percentilesOf } from './summary-cache.js';
import { redactText } from '../common/redact.js';

/** The query profiler's records: per fingerprint, per statement text, per in-flight query. */

/** Longest statement kept in examples and slow-query entries. */
const MAX_STATEMENT_CHARS = 2_000;
/** Fingerprints beyond the cap are counted under this one, so totals stay exact. */
export const OVERFLOW_FINGERPRINT = 'other';

export interface FingerprintStats {
  readonly fingerprint: string;
  readonly query: string;
  readonly example: string;
  count: number;
  errors: number;
  totalMs: number;
  rows: number;
  readonly hist: LatencyHistogram;
  window: WindowState | null;
}

export interface TextEntry {
  readonly text: string;
  /** null while libpg-query is loading. */
  stats: FingerprintStats | null;
  readonly excluded: boolean;
  /** Where the text was first issued (for slow-query call sites); formatted on first use. */
  site: Error | null;
  callSite: string | null | undefined;
}

/** One in-flight query, from issue to completion. */
export interface IssuedQuery extends DetectorMark {
  readonly entry: TextEntry;
  readonly trace: TraceState | null;
  startMs: number;
  /** Whether N+1 counting has been applied (deferred while the parser loads). */
  noted: boolean;
  /** Guards against recording one query twice (a driver that both calls back and throws). */
  ended: boolean;
}

export function truncate(text: string): string {
  return text.length > MAX_STATEMENT_CHARS ? `${text.slice(0, MAX_STATEMENT_CHARS)}…` : text;
}

export function newFingerprintStats(fingerprint: string, text: string): FingerprintStats {
  const overflow = fingerprint === OVERFLOW_FINGERPRINT;
  return {
    fingerprint,
    query: overflow ? '(other statements beyond the fingerprint cap)' : truncate(normalizedQuery(text)),
    example: truncate(redactText(text)),
    count: 0,
    errors: 0,
    totalMs: 0,
    rows: 0,
    hist: new LatencyHistogram(),
    window: null,
  };
}

export function fingerprintReport(fp: FingerprintStats): QueryFingerprintStats {
  const [p50, p95, p99] = percentilesOf(fp.hist);
  return {
    fingerprint: fp.fingerprint,
    query: fp.query,
    count: fp.count,
    errors: fp.errors,
    total_ms: fp.totalMs,
    mean_ms: fp.totalMs / fp.count,
    p50_ms: p50,
    p95_ms: p95,
    p99_ms: p99,
    max_ms: fp.hist.maxMs,
    rows: fp.rows,
  };
}

/** A slow query's call site: its own when captured, else where its text was first issued. */
function slowCallSite(issued: IssuedQuery): string | null {
  const own = callSiteOf(issued.site);
  if (own !== null) return own;
  const entry = issued.entry;
  if (entry.callSite === undefined) {
    entry.callSite = callSiteOf(entry.site);
    entry.site = null;
  }
  return entry.callSite;
}

export function slowQueryEntry(
  issued: IssuedQuery,
  stats: FingerprintStats,
  durationMs: number,
  rows: number,
  error: string | null,
  endedAtMs: number,
): SlowQuery {
  return {
    fingerprint: stats.fingerprint,
    query: stats.query,
    statement: truncate(redactText(issued.entry.text)),
    duration_ms: durationMs,
    rows,
    at: new Date(endedAtMs).toISOString(),
    call_site: slowCallSite(issued),
    error: error === null ? null : redactText(error).slice(0, MAX_STATEMENT_CHARS),
  };
}
