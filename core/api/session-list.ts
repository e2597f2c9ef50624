import type { SessionListItem } from './types.js';
import type { SessionRecord } from '../store/index.js';

/** The sessions list (CLI `sessions`, the UI's Sessions page): one row per session. */

/** One line describing where a session's load went. */
export function describeTarget(s: SessionRecord): string {
  const t = s.target as Record<string, unknown>;
  if (s.target_kind === 'embedded') return `embedded (${s.profile ?? 'custom'})`;
  if (typeof t.url === 'string') return t.url;
  if (s.target_kind === 'observe') return `observe ${[t.pg, t.redis].filter((x) => typeof x === 'string').join(' ')}`.trim();
  return s.target_kind;
}

export function toListItem(s: SessionRecord): SessionListItem {
  return {
    id: s.id,
    name: s.name,
    status: s.status,
    source: s.source,
    target_kind: s.target_kind,
    target: describeTarget(s),
    profile: s.profile,
    started_at: s.started_at,
    duration_s: s.duration_s ?? 0,
    requests: s.summary?.requests ?? 0,
    throughput_rps: s.summary ? s.summary.throughput_rps : null,
    p95_ms: s.summary ? s.summary.p95_ms : null,
    hit_rate: s.summary?.hit_rate ?? null,
    parent_id: s.parent_id,
  };
}

