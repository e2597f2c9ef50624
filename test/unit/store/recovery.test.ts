import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBatchedWriter, HEARTBEAT_STALE_MS, openStore, type Store } from '../../../core/store/index.js';
import { newRecording, tempDir, timelineRow } from './helpers.js';

/** Above Linux's pid_max (2^22): no process can have it, so it is "gone" deterministically. */
const GONE_PID = 2_147_483_646;

describe('crash recovery at openStore', () => {
  let tmp: ReturnType<typeof tempDir>;
  let clockMs: number;
  const open = (): Store => openStore(tmp.dbPath, { now: () => clockMs });
  beforeEach(() => {
    tmp = tempDir();
    clockMs = Date.parse('2025-03-01T10:00:00.000Z');
  });
  afterEach(() => tmp.remove());

  it('marks a session whose recorder process is gone interrupted, keeping its rows', () => {
    let store = open();
    const id = newRecording(store);
    const writer = createBatchedWriter(store);
    for (let t = 0; t < 12; t++) writer.push('timeline', timelineRow(id, t));
    writer.close();
    clockMs += 12_000;
    store.sessions.heartbeat(id);
    store.db.prepare('UPDATE sessions SET owner_pid = ? WHERE id = ?').run(GONE_PID, id);
    store.close();

    clockMs += 1_000; // well within the heartbeat window: the dead pid alone decides
    store = open();
    expect(store.recoveredSessionIds).toEqual([id]);
    expect(store.sessions.get(id)).toMatchObject({
      status: 'interrupted',
      ended_at: '2025-03-01T10:00:12.000Z',
      duration_s: 12,
      error: `recording interrupted: recorder process ${GONE_PID} is gone`,
    });
    expect(store.reader.getTimeline(id)).toHaveLength(12);
    expect(store.reader.getEvents(id, { minLevel: 'warn' })).toEqual([expect.objectContaining({ kind: 'interrupted' })]);
    store.close();
    expect(open().recoveredSessionIds).toEqual([]);
  });

  it('marks a session whose heartbeat is over 30 s old, even if its pid exists (reused)', () => {
    let store = open();
    const id = newRecording(store); // owned by this (alive) process
    store.close();
    clockMs += HEARTBEAT_STALE_MS + 1_000;
    store = open();
    expect(store.recoveredSessionIds).toEqual([id]);
    expect(store.sessions.get(id)?.error).toMatch(/no heartbeat from the recorder \(last 31 s ago\)/);
    store.close();
  });

  it('leaves a live recorder alone: pid alive and heartbeat fresh', () => {
    let store = open();
    const id = newRecording(store);
    store.close();
    clockMs += HEARTBEAT_STALE_MS - 1_000;
    store = open();
    expect(store.recoveredSessionIds).toEqual([]);
    expect(store.sessions.get(id)?.status).toBe('recording');
    store.close();
  });

  it('judges a recorder on another host by its heartbeat only', () => {
    let store = open();
    const fresh = newRecording(store, 'fresh');
    const stale = newRecording(store, 'stale');
    store.db.prepare("UPDATE sessions SET owner_host = 'other-host', owner_pid = ?").run(GONE_PID);
    store.db.prepare('UPDATE sessions SET heartbeat_at = ? WHERE id = ?').run(new Date(clockMs - HEARTBEAT_STALE_MS - 5_000).toISOString(), stale);
    store.close();
    store = open();
    expect(store.recoveredSessionIds).toEqual([stale]);
    expect(store.sessions.get(fresh)?.status).toBe('recording');
    store.close();
  });

  it('never touches finished sessions, and can be turned off', () => {
    let store = open();
    const done = newRecording(store, 'done');
    store.sessions.finish(done, 'cancelled');
    const abandoned = newRecording(store, 'abandoned');
    store.close();
    clockMs += HEARTBEAT_STALE_MS * 10;
    store = openStore(tmp.dbPath, { now: () => clockMs, recover: false });
    expect(store.recoveredSessionIds).toEqual([]);
    expect(store.sessions.get(abandoned)?.status).toBe('recording');
    store.close();
    store = open();
    expect(store.recoveredSessionIds).toEqual([abandoned]);
    expect(store.sessions.get(done)?.status).toBe('cancelled');
    store.close();
  });

  it('a recorder wrongly judged gone (asleep > 30 s) learns it from heartbeat() and may still finish', () => {
    let store = open();
    const id = newRecording(store);
    clockMs += HEARTBEAT_STALE_MS + 5_000;
    const other = open(); // another process opening the file
    expect(other.recoveredSessionIds).toEqual([id]);
    other.close();
    expect(store.sessions.heartbeat(id)).toBe(false);
    expect(store.sessions.finish(id, 'completed').status).toBe('completed');
    store.close();
    store = open();
    const foreign = newRecording(store);
    store.db.prepare("UPDATE sessions SET status = 'interrupted', owner_pid = ? WHERE id = ?").run(GONE_PID, foreign);
    expect(() => store.sessions.finish(foreign, 'completed')).toThrow(/is interrupted; it cannot become completed/);
    store.close();
  });
});
