import type { SessionEvent, SessionReport, TimelinePoint } from '../../../../core/api/types.js';
import { fmtMs } from '../../components/format.js';
import { secondsIntoSession } from './session-time.js';

/** One line of the replay's event log. */
export interface LogEntry {
  tS: number;
  level: 'info' | 'warn' | 'error';
  kind: string;
  message: string;
}

/** A second whose p99 exceeds this multiple of the session's median p99 is called a spike. */
const P99_SPIKE_FACTOR = 3;
/** Bound on derived entries: a pathological run (errors every second) must not flood the log. */
const MAX_DERIVED = 2000;

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** Entries the timeline implies: start of error bursts, pool waits, latency spikes. */
function derived(r: SessionReport): LogEntry[] {
  const out: LogEntry[] = [];
  const p99Median = median(r.timeline.map((p) => p.p99_ms));
  let prev: TimelinePoint | null = null;
  for (const p of r.timeline) {
    if (out.length >= MAX_DERIVED) break;
    if (p.errors > 0 && (!prev || prev.errors === 0)) out.push({ tS: p.t_s, level: 'error', kind: 'errors', message: `${p.errors} errors/s begin` });
    if ((p.pool_waiting ?? 0) > 0 && (!prev || (prev.pool_waiting ?? 0) === 0)) out.push({ tS: p.t_s, level: 'warn', kind: 'pool', message: `requests waiting for a connection (${p.pool_waiting})` });
    if (p99Median > 0 && p.p99_ms > P99_SPIKE_FACTOR * p99Median && (!prev || prev.p99_ms <= P99_SPIKE_FACTOR * p99Median)) {
      out.push({ tS: p.t_s, level: 'warn', kind: 'latency', message: `p99 spike to ${fmtMs(p.p99_ms)} (median p99 ${fmtMs(p99Median)})` });
    }
    prev = p;
  }
  for (const e of r.pool?.events ?? []) {
    const t = secondsIntoSession(r, e.start);
    if (t !== null) out.push({ tS: t, level: 'warn', kind: 'pool', message: `pool exhausted for ${fmtMs(e.duration_ms)} (peak ${e.peak_waiting} waiting)` });
  }
  return out;
}

/**
 * SessionEvent.t_ms is wall-clock epoch ms from the store (core/store/readers/log.ts); a value
 * this large cannot be an offset into a session (it would be 3 years in), so smaller values are
 * read as offsets, which keeps imported or synthetic logs working too.
 */
const EPOCH_MS_THRESHOLD = 1e11;

function eventSeconds(r: SessionReport, tMs: number): number {
  if (tMs < EPOCH_MS_THRESHOLD) return tMs / 1000;
  const t0 = r.session.started_at ? Date.parse(r.session.started_at) : NaN;
  return Number.isNaN(t0) ? 0 : Math.max(0, (tMs - t0) / 1000);
}

export function buildLog(r: SessionReport, events: readonly SessionEvent[]): LogEntry[] {
  const all = [...events.map((e) => ({ tS: eventSeconds(r, e.t_ms), level: e.level, kind: e.kind, message: e.message })), ...derived(r)];
  return all.sort((a, b) => a.tS - b.tS);
}

/** Number of timeline points with t_s <= t (binary search: points are in time order). */
export function countUpTo(points: readonly TimelinePoint[], tS: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((points[mid]?.t_s ?? Infinity) <= tS) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
