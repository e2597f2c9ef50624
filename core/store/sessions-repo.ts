import type Database from 'better-sqlite3';
import { hostname } from 'node:os';
import { UsageError, WorkbenchError } from '../common/errors.js';
import { redactText } from '../common/redact.js';
import { isHeartbeatStale } from './recovery.js';
import { redactJson } from './secrets.js';
import { newSessionId } from './session-id.js';
import { SESSION_COLUMNS, toSessionRecord, type SessionDbRow } from './session-row.js';
import {
  SESSION_SOURCES,
  SESSION_STATUSES,
  TARGET_KINDS,
  type FinalStatus,
  type NewSession,
  type SessionFilter,
  type SessionRecord,
  type SessionSummary,
} from './session-types.js';

/** Names are shown in tables and titles; longer ones are a mistake (a pasted file?). */
const MAX_NAME_LENGTH = 200;
/** A clash of the 4 random hex digits within one second is 1 in 65,536; a few retries suffice. */
const ID_ATTEMPTS = 8;

/**
 * Sessions: create, read, list and search, lifecycle updates (heartbeat, summary, finish),
 * rename and delete (which cascades to every recorded row). Target, knobs and load config go
 * through redactJson, free text through redactText: no secret reaches the file.
 */
export class SessionsRepo {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {}

  create(input: NewSession): SessionRecord {
    validateNew(input);
    const nowMs = this.now();
    const nowIso = new Date(nowMs).toISOString();
    const status = input.status ?? 'recording';
    const recording = status === 'recording';
    const profile = input.profile ?? null;
    const startedAt = input.started_at ?? nowIso;
    const name = input.name ?? defaultName(profile ?? input.target_kind, startedAt);
    if (input.parent_id != null && this.get(input.parent_id) === undefined) {
      throw new UsageError(`parent session "${input.parent_id}" not found`);
    }
    const insert = this.db.prepare(`INSERT INTO sessions (${SESSION_COLUMNS}) VALUES (
      @id, @name, @status, @created_at, @started_at, @ended_at, @duration_s, @target_kind, @target, @profile, @knobs,
      @load_config, @seed, @parent_id, @source, @error, @owner_pid, @owner_host, @heartbeat_at, @summary)`);
    const row: SessionDbRow = {
      id: '',
      name: redactText(name.trim()),
      status,
      created_at: nowIso,
      started_at: startedAt,
      ended_at: input.ended_at ?? null,
      duration_s: input.duration_s ?? null,
      target_kind: input.target_kind,
      target: JSON.stringify(redactJson(input.target)),
      profile,
      knobs: JSON.stringify(redactJson(input.knobs ?? {})),
      load_config: input.load_config == null ? null : JSON.stringify(redactJson(input.load_config)),
      seed: input.seed ?? null,
      parent_id: input.parent_id ?? null,
      source: input.source ?? 'recorded',
      error: input.error == null ? null : redactText(input.error),
      owner_pid: recording ? process.pid : null,
      owner_host: recording ? hostname() : null,
      heartbeat_at: recording ? nowIso : null,
      summary: input.summary == null ? null : JSON.stringify(input.summary),
    };
    for (let attempt = 1; ; attempt++) {
      row.id = newSessionId(new Date(nowMs));
      try {
        insert.run(row);
        return toSessionRecord(row);
      } catch (err) {
        const clash = (err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
        if (!clash || attempt >= ID_ATTEMPTS) throw err;
      }
    }
  }

  get(id: string): SessionRecord | undefined {
    const row = this.db.prepare(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = ?`).get(id) as SessionDbRow | undefined;
    return row === undefined ? undefined : toSessionRecord(row);
  }

  /** Like get, but an unknown id is a usage error (`error: no session "..."`, exit 2). */
  require(id: string): SessionRecord {
    const session = this.get(id);
    if (session === undefined) throw new UsageError(`no session "${id}" in this store`);
    return session;
  }

  /** Newest first. */
  list(filter: SessionFilter = {}): SessionRecord[] {
    const where: string[] = [];
    const params: Record<string, string | number> = {};
    if (filter.search !== undefined && filter.search.trim() !== '') {
      params.search = `%${filter.search.trim().toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push(
        "(lower(name) LIKE @search ESCAPE '\\' OR lower(id) LIKE @search ESCAPE '\\' OR lower(target) LIKE @search ESCAPE '\\'" +
          " OR lower(coalesce(profile, '')) LIKE @search ESCAPE '\\')",
      );
    }
    if (filter.status !== undefined) {
      const statuses = typeof filter.status === 'string' ? [filter.status] : [...filter.status];
      for (const s of statuses) if (!SESSION_STATUSES.includes(s)) throw new UsageError(`unknown session status "${s}"`);
      statuses.forEach((s, i) => (params[`status${i}`] = s));
      where.push(statuses.length === 0 ? '0' : `status IN (${statuses.map((_, i) => `@status${i}`).join(', ')})`);
    }
    if (filter.target_kind !== undefined) {
      params.target_kind = filter.target_kind;
      where.push('target_kind = @target_kind');
    }
    if (filter.source !== undefined) {
      params.source = filter.source;
      where.push('source = @source');
    }
    const limit = checkCount(filter.limit, 'limit') ?? -1;
    const offset = checkCount(filter.offset, 'offset') ?? 0;
    const sql =
      `SELECT ${SESSION_COLUMNS} FROM sessions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ` +
      `ORDER BY created_at DESC, id DESC LIMIT ${limit} OFFSET ${offset}`;
    return (this.db.prepare(sql).all(params) as SessionDbRow[]).map(toSessionRecord);
  }

  rename(id: string, name: string): void {
    checkName(name);
    const r = this.db.prepare('UPDATE sessions SET name = ? WHERE id = ?').run(redactText(name.trim()), id);
    if (r.changes === 0) throw new UsageError(`no session "${id}" in this store`);
  }

  /**
   * The recorder's "still alive" signal, about once a second (crash recovery treats a session
   * whose heartbeat is over HEARTBEAT_STALE_MS old as abandoned). Also advances duration_s and,
   * if given, the summary. Returns false if the session is no longer `recording` (another
   * process judged it abandoned, or it was finished): the recorder should stop.
   */
  heartbeat(id: string, summary?: SessionSummary): boolean {
    const nowIso = new Date(this.now()).toISOString();
    const r = this.db
      .prepare(
        `UPDATE sessions SET heartbeat_at = @now,
           duration_s = round(max(0, (julianday(@now) - julianday(started_at)) * 86400.0), 3),
           summary = coalesce(@summary, summary)
         WHERE id = @id AND status = 'recording'`,
      )
      .run({ id, now: nowIso, summary: summary === undefined ? null : JSON.stringify(summary) });
    return r.changes === 1;
  }

  setSummary(id: string, summary: SessionSummary): void {
    const r = this.db.prepare('UPDATE sessions SET summary = ? WHERE id = ?').run(JSON.stringify(summary), id);
    if (r.changes === 0) throw new UsageError(`no session "${id}" in this store`);
  }

  /**
   * Ends a recording session: completed, cancelled or failed (with `error`). A session that
   * crash recovery marked `interrupted` while its owner was in fact alive (e.g. a laptop asleep
   * for more than 30 s) may still be finished by that owner process; any other status is final.
   */
  finish(id: string, status: FinalStatus, options: { error?: string; summary?: SessionSummary; endedAt?: string } = {}): SessionRecord {
    if (!(['completed', 'cancelled', 'failed'] as const).includes(status)) throw new UsageError(`cannot finish a session as "${status}"`);
    const endedAt = options.endedAt ?? new Date(this.now()).toISOString();
    const r = this.db
      .prepare(
        `UPDATE sessions SET status = @status, ended_at = @ended_at, error = @error,
           duration_s = round(max(0, (julianday(@ended_at) - julianday(started_at)) * 86400.0), 3),
           summary = coalesce(@summary, summary), heartbeat_at = @ended_at
         WHERE id = @id AND (status = 'recording'
           OR (status = 'interrupted' AND owner_pid = @pid AND owner_host = @host))`,
      )
      .run({
        id,
        status,
        ended_at: endedAt,
        error: options.error === undefined ? null : redactText(options.error),
        summary: options.summary === undefined ? null : JSON.stringify(options.summary),
        pid: process.pid,
        host: hostname(),
      });
    const session = this.require(id);
    if (r.changes === 0) throw new WorkbenchError(`session ${id} is ${session.status}; it cannot become ${status}`);
    return session;
  }

  /**
   * Deletes a session and (ON DELETE CASCADE) everything recorded for it; replays of it keep
   * their rows and lose the link. Refuses a session a live recorder is still writing.
   */
  delete(id: string): boolean {
    const session = this.get(id);
    if (session === undefined) return false;
    if (session.status === 'recording' && !isHeartbeatStale(session.heartbeat_at, this.now())) {
      throw new UsageError(`session ${id} is being recorded; stop it before deleting it`);
    }
    return this.db.prepare('DELETE FROM sessions WHERE id = ?').run(id).changes === 1;
  }
}

function defaultName(label: string, startedAtIso: string): string {
  return `${label} ${startedAtIso.slice(0, 19).replace('T', ' ')}`;
}

function checkName(name: string): void {
  if (typeof name !== 'string' || name.trim() === '') throw new UsageError('a session name cannot be empty');
  if (name.length > MAX_NAME_LENGTH) throw new UsageError(`a session name is at most ${MAX_NAME_LENGTH} characters`);
}

function checkCount(value: number | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 0) throw new UsageError(`${what} must be a non-negative integer`);
  return value;
}

function validateNew(input: NewSession): void {
  if (input.name !== undefined) checkName(input.name);
  if (!TARGET_KINDS.includes(input.target_kind)) throw new UsageError(`unknown target kind "${String(input.target_kind)}"`);
  if (input.status !== undefined && !SESSION_STATUSES.includes(input.status)) throw new UsageError(`unknown session status "${String(input.status)}"`);
  if (input.source !== undefined && !SESSION_SOURCES.includes(input.source)) throw new UsageError(`unknown session source "${String(input.source)}"`);
  if (input.target === null || typeof input.target !== 'object' || Array.isArray(input.target)) {
    throw new UsageError('a session target must be a JSON object');
  }
  for (const iso of [input.started_at, input.ended_at]) {
    if (iso != null && Number.isNaN(Date.parse(iso))) throw new UsageError(`"${iso}" is not an ISO 8601 time`);
  }
}
