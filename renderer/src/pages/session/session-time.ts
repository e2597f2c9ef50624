import type { SessionReport } from '../../../../core/api/types.js';

/** Seconds since the session started for an ISO time in the report (null when either is missing). */
export function secondsIntoSession(r: SessionReport, iso: string | null | undefined): number | null {
  if (!iso || !r.session.started_at) return null;
  const t = Date.parse(iso);
  const t0 = Date.parse(r.session.started_at);
  if (Number.isNaN(t) || Number.isNaN(t0)) return null;
  return Math.max(0, (t - t0) / 1000);
}

/** Pool exhaustion events as [startS, endS] intervals for chart shading. */
export function exhaustionIntervals(r: SessionReport): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const e of r.pool?.events ?? []) {
    const start = secondsIntoSession(r, e.start);
    if (start !== null) out.push([start, start + e.duration_ms / 1000]);
  }
  return out;
}
