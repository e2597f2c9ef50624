import type { Recommendation } from '../../profiling/report-types.js';
import type { JsonValue } from '../json-types.js';
import { EVENT_LEVELS, type EventLevel, type EventRow } from '../row-types.js';
import type { StatementCache } from '../statement-cache.js';
import { parseJson } from '../session-row.js';
import { bounds, type RangeMs } from './common.js';

export type SessionEvent = Omit<EventRow, 'session_id'>;

export interface ProbeSample {
  probe: string;
  t_ms: number;
  data: JsonValue;
}

interface RecommendationDbRow extends Omit<Recommendation, 'evidence'> {
  evidence: string;
}

export function logReaders(stmts: StatementCache) {
  /** In rank order (most important first). */
  function getRecommendations(sessionId: string): Recommendation[] {
    const rows = stmts
      .get('SELECT id, title, impact, effort, evidence, action FROM recommendations WHERE session_id = ? ORDER BY rank')
      .all(sessionId) as RecommendationDbRow[];
    return rows.map((r) => ({ ...r, evidence: parseJson<string[]>(r.evidence, sessionId, 'recommendations.evidence') }));
  }

  /** The event log in time order, optionally from a minimum level up. */
  function getEvents(sessionId: string, options: RangeMs & { minLevel?: EventLevel; limit?: number } = {}): SessionEvent[] {
    const { from, to } = bounds(options.fromMs, options.toMs);
    const levels = EVENT_LEVELS.slice(EVENT_LEVELS.indexOf(options.minLevel ?? 'debug'));
    return stmts
      .get(
        `SELECT t_ms, level, kind, message FROM events
         WHERE session_id = @id AND t_ms BETWEEN @from AND @to AND level IN (SELECT value FROM json_each(@levels))
         ORDER BY t_ms, rowid LIMIT @limit`,
      )
      .all({ id: sessionId, from, to, levels: JSON.stringify(levels), limit: options.limit ?? -1 }) as SessionEvent[];
  }

  /** External probe readings in time order (one probe, or all). */
  function getProbeSamples(sessionId: string, options: RangeMs & { probe?: string } = {}): ProbeSample[] {
    const { from, to } = bounds(options.fromMs, options.toMs);
    const rows = (
      options.probe === undefined
        ? stmts
            .get('SELECT probe, t_ms, data FROM probe_samples WHERE session_id = ? AND t_ms BETWEEN ? AND ? ORDER BY t_ms, rowid')
            .all(sessionId, from, to)
        : stmts
            .get('SELECT probe, t_ms, data FROM probe_samples WHERE session_id = ? AND probe = ? AND t_ms BETWEEN ? AND ? ORDER BY t_ms, rowid')
            .all(sessionId, options.probe, from, to)
    ) as { probe: string; t_ms: number; data: string }[];
    return rows.map((r) => ({ probe: r.probe, t_ms: r.t_ms, data: parseJson<JsonValue>(r.data, sessionId, 'probe_samples.data') }));
  }

  return { getRecommendations, getEvents, getProbeSamples };
}
