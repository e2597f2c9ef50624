import { WorkbenchError } from '../common/errors.js';
import type { JsonObject } from './json-types.js';
import type { SessionRecord, SessionSource, SessionStatus, SessionSummary, TargetKind } from './session-types.js';

/** A `sessions` row as SQLite returns it. */
export interface SessionDbRow {
  id: string;
  name: string;
  status: string;
  created_at: string;
  started_at: string;
  ended_at: string | null;
  duration_s: number | null;
  target_kind: string;
  target: string;
  profile: string | null;
  knobs: string;
  load_config: string | null;
  seed: number | null;
  parent_id: string | null;
  source: string;
  error: string | null;
  owner_pid: number | null;
  owner_host: string | null;
  heartbeat_at: string | null;
  summary: string | null;
}

export const SESSION_COLUMNS =
  'id, name, status, created_at, started_at, ended_at, duration_s, target_kind, target, profile, knobs, load_config, ' +
  'seed, parent_id, source, error, owner_pid, owner_host, heartbeat_at, summary';

export function toSessionRecord(row: SessionDbRow): SessionRecord {
  return {
    id: row.id,
    name: row.name,
    // CHECK constraints in the schema guarantee these are members of their unions.
    status: row.status as SessionStatus,
    created_at: row.created_at,
    started_at: row.started_at,
    ended_at: row.ended_at,
    duration_s: row.duration_s,
    target_kind: row.target_kind as TargetKind,
    target: parseJson<JsonObject>(row.target, row.id, 'target'),
    profile: row.profile,
    knobs: parseJson<JsonObject>(row.knobs, row.id, 'knobs'),
    load_config: row.load_config === null ? null : parseJson<JsonObject>(row.load_config, row.id, 'load_config'),
    seed: row.seed,
    parent_id: row.parent_id,
    source: row.source as SessionSource,
    error: row.error,
    owner_pid: row.owner_pid,
    owner_host: row.owner_host,
    heartbeat_at: row.heartbeat_at,
    summary: row.summary === null ? null : parseJson<SessionSummary>(row.summary, row.id, 'summary'),
  };
}

/** JSON.parse of a stored column; a damaged value is reported, not thrown as a SyntaxError. */
export function parseJson<T>(text: string, sessionId: string, column: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new WorkbenchError(`session ${sessionId}: stored ${column} is not valid JSON`, 1, { cause: err });
  }
}
