import type { JsonObject } from './json-types.js';

/**
 * Lifecycle of a session (the `sessions.status` column):
 *
 *   recording ──▶ completed    the recorder finished normally
 *       │    ──▶ cancelled    the user stopped it; what was recorded is kept
 *       │    ──▶ failed       the recorder hit an error (see `error`)
 *       └────▶ interrupted  the recorder died (crash, SIGKILL, power loss): set by crash
 *                           recovery at the next openStore, keeping every flushed row
 *
 * Imported sessions are created `completed`. Only `recording` (or, for the process that owns
 * the session, `interrupted`: see SessionsRepo.finish) can move to a final status.
 */
export const SESSION_STATUSES = ['recording', 'completed', 'interrupted', 'failed', 'cancelled'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];
export type FinalStatus = Exclude<SessionStatus, 'recording' | 'interrupted'>;

/** embedded: our SARK server; external: a user's service; observe: probes only, no load; import: from a report file. */
export const TARGET_KINDS = ['embedded', 'external', 'observe', 'import'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** recorded: by the recorder; imported: from a report file; replay: re-execution of another session's trace. */
export const SESSION_SOURCES = ['recorded', 'imported', 'replay'] as const;
export type SessionSource = (typeof SESSION_SOURCES)[number];

/** The headline numbers the sessions list shows; the recorder updates them as it goes. */
export interface SessionSummary {
  requests: number;
  errors: number;
  throughput_rps: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  /** Decision-cache hit rate 0..1; null when the target has no cache data. */
  hit_rate: number | null;
}

/** A session as stored; times are ISO 8601 (UTC). JSON columns come back parsed. */
export interface SessionRecord {
  id: string;
  name: string;
  status: SessionStatus;
  created_at: string;
  started_at: string;
  ended_at: string | null;
  /** Final for ended sessions; for a recording session, up to its last heartbeat. */
  duration_s: number | null;
  target_kind: TargetKind;
  /** Target description with every URL's password redacted. */
  target: JsonObject;
  /** Preset the target ran with, e.g. `baseline` / `optimized`; null for external targets. */
  profile: string | null;
  knobs: JsonObject;
  load_config: JsonObject | null;
  seed: number | null;
  /** The session this one replays. */
  parent_id: string | null;
  source: SessionSource;
  error: string | null;
  owner_pid: number | null;
  owner_host: string | null;
  heartbeat_at: string | null;
  summary: SessionSummary | null;
}

export interface NewSession {
  /** Default: `<profile or target kind> <date time>`. */
  name?: string;
  target_kind: TargetKind;
  target: JsonObject;
  profile?: string | null;
  knobs?: JsonObject;
  load_config?: JsonObject | null;
  seed?: number | null;
  parent_id?: string | null;
  source?: SessionSource;
  /** Default `recording`, owned by this process. Imports pass `completed`. */
  status?: SessionStatus;
  /** ISO 8601; default now. */
  started_at?: string;
  /** ISO 8601, for sessions created already ended (imports). */
  ended_at?: string | null;
  duration_s?: number | null;
  summary?: SessionSummary | null;
  error?: string | null;
}

export interface SessionFilter {
  /** Case-insensitive substring of name, id, target or profile. */
  search?: string;
  status?: SessionStatus | readonly SessionStatus[];
  target_kind?: TargetKind;
  source?: SessionSource;
  limit?: number;
  offset?: number;
}
