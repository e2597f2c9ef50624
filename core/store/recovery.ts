import type Database from 'better-sqlite3';
import { hostname } from 'node:os';

/**
 * A recorder heartbeats about once a second; 30 missed beats means it is gone even when its pid
 * cannot be checked (another host sharing the file) or was reused by another process. Long
 * enough that a GC pause, a busy 2-core machine or a slow disk never trips it.
 */
export const HEARTBEAT_STALE_MS = 30_000;

export function isHeartbeatStale(heartbeatAtIso: string | null, nowMs: number): boolean {
  if (heartbeatAtIso === null) return true;
  const beat = Date.parse(heartbeatAtIso);
  return Number.isNaN(beat) || nowMs - beat > HEARTBEAT_STALE_MS;
}

/** Whether a process exists on this host. EPERM means it exists but belongs to another user. */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface RecordingRow {
  id: string;
  owner_pid: number | null;
  owner_host: string | null;
  heartbeat_at: string | null;
}

/**
 * Crash recovery, run by openStore: every `recording` session whose owner is gone becomes
 * `interrupted`. Gone = same host and its pid no longer exists, or its heartbeat is older than
 * HEARTBEAT_STALE_MS. Its rows are untouched (everything flushed before the crash stays);
 * ended_at is its last heartbeat, the last moment it is known to have been recording, and an
 * event records why. A live recorder in another process is left alone.
 *
 * The update re-checks status and heartbeat, so a recorder that beats between our read and our
 * write keeps its session. Returns the ids marked.
 */
export function recoverAbandonedSessions(db: Database.Database, nowMs: number): string[] {
  const host = hostname();
  // Most opens find nothing to recover: check with a read before taking the write lock.
  if (db.prepare("SELECT 1 FROM sessions WHERE status = 'recording' LIMIT 1").get() === undefined) return [];
  return db
    .transaction(() => {
      const recording = db
        .prepare("SELECT id, owner_pid, owner_host, heartbeat_at FROM sessions WHERE status = 'recording'")
        .all() as RecordingRow[];
      const mark = db.prepare(
        `UPDATE sessions SET status = 'interrupted', error = @error,
           ended_at = coalesce(heartbeat_at, started_at),
           duration_s = round(max(0, (julianday(coalesce(heartbeat_at, started_at)) - julianday(started_at)) * 86400.0), 3)
         WHERE id = @id AND status = 'recording' AND heartbeat_at IS @heartbeat_at`,
      );
      const logEvent = db.prepare(
        "INSERT INTO events (session_id, t_ms, level, kind, message) VALUES (?, ?, 'warn', 'interrupted', ?)",
      );
      const marked: string[] = [];
      for (const s of recording) {
        const reason = abandonReason(s, host, nowMs);
        if (reason === null) continue;
        const error = `recording interrupted: ${reason}`;
        if (mark.run({ id: s.id, error, heartbeat_at: s.heartbeat_at }).changes === 1) {
          logEvent.run(s.id, nowMs, error);
          marked.push(s.id);
        }
      }
      return marked;
    })
    .immediate();
}

function abandonReason(s: RecordingRow, host: string, nowMs: number): string | null {
  if (s.owner_host === host && s.owner_pid !== null && !isProcessAlive(s.owner_pid)) {
    return `recorder process ${s.owner_pid} is gone`;
  }
  if (isHeartbeatStale(s.heartbeat_at, nowMs)) {
    const age = s.heartbeat_at === null ? 'never' : `${Math.round((nowMs - Date.parse(s.heartbeat_at)) / 1000)} s ago`;
    return `no heartbeat from the recorder (last ${age})`;
  }
  return null;
}
