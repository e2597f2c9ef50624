import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../core/common/errors.js';
import { createBatchedWriter, isSessionId, openStore, TABLE_NAMES, type Store, type TableName } from '../../../core/store/index.js';
import { newRecording, oneRowPerTable, tempDir, timelineRow, traceRow } from './helpers.js';

describe('sessions repository', () => {
  let store: Store;
  let clockMs: number;
  beforeEach(() => {
    clockMs = Date.parse('2025-03-01T10:00:00.000Z');
    store = openStore(':memory:', { now: () => clockMs });
  });
  afterEach(() => store.close());

  it('creates a recording session owned by this process, with a sortable id', () => {
    const s = store.sessions.create({ target_kind: 'embedded', target: { embedded: true }, profile: 'optimized', seed: 42, knobs: { poolSize: 30 } });
    expect(isSessionId(s.id)).toBe(true);
    expect(s.id.startsWith('s-20250301-100000-')).toBe(true);
    expect(s).toMatchObject({
      status: 'recording', source: 'recorded', profile: 'optimized', seed: 42, knobs: { poolSize: 30 },
      owner_pid: process.pid, started_at: '2025-03-01T10:00:00.000Z', heartbeat_at: '2025-03-01T10:00:00.000Z',
      name: 'optimized 2025-03-01 10:00:00',
    });
    expect(store.sessions.get(s.id)).toEqual(s);
    expect(store.sessions.get('s-nope')).toBeUndefined();
    expect(() => store.sessions.require('s-nope')).toThrow(UsageError);
  });

  it('lists newest first, searches name / target / profile, filters by status', () => {
    const a = store.sessions.create({ name: 'Morning baseline', target_kind: 'embedded', target: {}, profile: 'baseline', status: 'completed' });
    clockMs += 60_000;
    const b = store.sessions.create({ name: 'staging run', target_kind: 'external', target: { url: 'http://staging.internal:8000' }, status: 'completed' });
    clockMs += 60_000;
    const c = store.sessions.create({ name: 'after fix', target_kind: 'embedded', target: {}, profile: 'optimized' });
    expect(store.sessions.list().map((s) => s.id)).toEqual([c.id, b.id, a.id]);
    expect(store.sessions.list({ search: 'BASELINE' }).map((s) => s.id)).toEqual([a.id]);
    expect(store.sessions.list({ search: 'staging.internal' }).map((s) => s.id)).toEqual([b.id]);
    expect(store.sessions.list({ search: 'optim' }).map((s) => s.id)).toEqual([c.id]);
    expect(store.sessions.list({ search: '100%' })).toEqual([]);
    expect(store.sessions.list({ status: 'recording' }).map((s) => s.id)).toEqual([c.id]);
    expect(store.sessions.list({ status: ['completed'], target_kind: 'embedded' }).map((s) => s.id)).toEqual([a.id]);
    expect(store.sessions.list({ limit: 1, offset: 1 }).map((s) => s.id)).toEqual([b.id]);
    expect(() => store.sessions.list({ status: 'paused' as never })).toThrow(/unknown session status "paused"/);
  });

  it('heartbeat advances duration and summary; finish ends it once; heartbeat then says stop', () => {
    const id = newRecording(store);
    clockMs += 5_000;
    const summary = { requests: 500, errors: 1, throughput_rps: 100, p50_ms: 3, p95_ms: 9, p99_ms: 20, hit_rate: 0.85 };
    expect(store.sessions.heartbeat(id, summary)).toBe(true);
    expect(store.sessions.get(id)).toMatchObject({ duration_s: 5, summary, heartbeat_at: '2025-03-01T10:00:05.000Z' });
    clockMs += 2_500;
    const done = store.sessions.finish(id, 'completed');
    expect(done).toMatchObject({ status: 'completed', ended_at: '2025-03-01T10:00:07.500Z', duration_s: 7.5, summary });
    expect(store.sessions.heartbeat(id)).toBe(false);
    expect(() => store.sessions.finish(id, 'failed')).toThrow(/is completed; it cannot become failed/);
  });

  it('a failed session keeps its error, with secrets masked', () => {
    const id = newRecording(store);
    const s = store.sessions.finish(id, 'failed', { error: 'connect ECONNREFUSED postgres://app:hunter2@db:5432/sark' });
    expect(s.error).toBe('connect ECONNREFUSED postgres://app:***@db:5432/sark');
  });

  it('renames, and rejects empty names', () => {
    const id = newRecording(store);
    store.sessions.rename(id, '  pool 30/15  ');
    expect(store.sessions.get(id)?.name).toBe('pool 30/15');
    expect(() => store.sessions.rename(id, ' ')).toThrow(/cannot be empty/);
    expect(() => store.sessions.rename('s-nope', 'x')).toThrow(/no session "s-nope"/);
  });

  it('rejects bad input with one-line usage errors', () => {
    expect(() => store.sessions.create({ target_kind: 'cloud' as never, target: {} })).toThrow(/unknown target kind "cloud"/);
    expect(() => store.sessions.create({ target_kind: 'embedded', target: {}, parent_id: 's-nope' })).toThrow(/parent session "s-nope" not found/);
    expect(() => store.sessions.create({ target_kind: 'embedded', target: {}, started_at: 'yesterday' })).toThrow(/not an ISO 8601 time/);
  });

  it('delete cascades to every table; a replay keeps its rows and loses the link', () => {
    const id = newRecording(store);
    const replay = store.sessions.create({ target_kind: 'embedded', target: {}, source: 'replay', parent_id: id });
    const writer = createBatchedWriter(store);
    for (const [table, row] of Object.entries(oneRowPerTable(id))) writer.push(table as TableName, row);
    for (let seq = 1; seq < 50; seq++) writer.push('request_trace', traceRow(id, seq));
    writer.push('timeline', timelineRow(replay.id, 0));
    writer.close();
    expect(Object.entries(store.countRows(id)).filter(([, n]) => n === 0)).toEqual([]);
    store.sessions.finish(id, 'completed');
    expect(store.sessions.delete(id)).toBe(true);
    expect(store.sessions.get(id)).toBeUndefined();
    const counts = store.countRows(id);
    expect(Object.keys(counts).sort()).toEqual([...TABLE_NAMES].sort());
    expect(Object.entries(counts).filter(([, n]) => n !== 0)).toEqual([]);
    expect(store.sessions.get(replay.id)?.parent_id).toBeNull();
    expect(store.reader.getTimeline(replay.id)).toHaveLength(1);
    expect(store.sessions.delete(id)).toBe(false);
  });

  it('refuses to delete a session a live recorder is writing, allows it once abandoned', () => {
    const id = newRecording(store);
    expect(() => store.sessions.delete(id)).toThrow(/is being recorded; stop it before deleting it/);
    clockMs += 31_000;
    expect(store.sessions.delete(id)).toBe(true);
  });
});

describe('secrets never reach the database file', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.remove());

  it('redacts URL passwords and secret-named values in target, knobs, load config, errors and events', () => {
    const store = openStore(tmp.dbPath);
    const s = store.sessions.create({
      name: 'against postgres://u:secret@h/db',
      target_kind: 'external',
      target: { url: 'http://svc:8080', pg: 'postgres://u:secret@h/db', redis: 'redis://:secret@cache:6379/0', nested: [{ dsn: 'postgresql://a:secret@x/y?sslmode=require' }] },
      knobs: { redisPassword: 'secret', maxTokens: 4 },
      load_config: { header: 'Bearer x', api_key: 'secret', note: 'see https://user:secret@example.com/' },
    });
    expect(s.target).toMatchObject({ pg: 'postgres://u:***@h/db', redis: 'redis://:***@cache:6379/0' });
    expect(s.knobs).toEqual({ redisPassword: '***', maxTokens: 4 });
    const writer = createBatchedWriter(store);
    writer.push('events', { session_id: s.id, t_ms: 1, level: 'error', kind: 'probe', message: 'cannot connect to postgres://u:secret@h/db' });
    writer.push('probe_samples', { session_id: s.id, probe: 'pg_stat_activity', t_ms: 1, data: { conninfo: 'postgres://u:secret@h/db' } });
    writer.close();
    store.sessions.finish(s.id, 'failed', { error: 'auth failed for postgres://u:secret@h/db' });
    store.close();
    for (const file of [tmp.dbPath, `${tmp.dbPath}-wal`]) {
      if (existsSync(file)) expect(readFileSync(file).includes('secret')).toBe(false);
    }
    // The data is there, just without the secret.
    expect(readFileSync(tmp.dbPath).includes('postgres://u:***@h/db')).toBe(true);
  });
});
