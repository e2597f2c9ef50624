import { describe, expect, it } from 'vitest';
import { GaugeStats } from '../../../core/probes/gauge-stats.js';
import { ActivityTracker } from '../../../core/probes/pg-activity.js';
import { TablesTracker, type TableRow } from '../../../core/probes/pg-tables.js';
import { SlowlogTracker } from '../../../core/probes/redis-slowlog.js';

describe('GaugeStats', () => {
  it('gives exact nearest-rank percentiles', () => {
    const g = new GaugeStats();
    for (let i = 1; i <= 100; i++) g.record(i);
    expect(g.summary()).toEqual({ min: 1, max: 100, avg: 50.5, p95: 95, p99: 99 });
  });
});

describe('ActivityTracker', () => {
  it('counts connections by state and application, and backends waiting on locks', () => {
    const a = new ActivityTracker();
    const base = { datname: 'app', wait_event_type: null, running_ms: 5, query_start_ms: Date.parse('2026-01-01T00:00:00Z'), query: 'SELECT 1' };
    const data = a.ingest([
      { ...base, pid: 1, application_name: 'api', state: 'active' },
      { ...base, pid: 2, application_name: 'api', state: 'idle' },
      { ...base, pid: 3, application_name: 'worker', state: 'active', wait_event_type: 'Lock', running_ms: 2500 },
    ]);
    expect(data).toMatchObject({ connections: 3, by_state: { active: 2, idle: 1 }, by_application: { api: 2, worker: 1 }, waiting_on_locks: 1 });
    const s = a.summary();
    expect(s.waiting_on_locks.max).toBe(1);
    expect(s.long_running).toHaveLength(1);
    expect(s.long_running[0]).toMatchObject({ pid: 3, application: 'worker', seen_running_ms: 2500, started_at: '2026-01-01T00:00:00.000Z' });
  });
});

describe('TablesTracker', () => {
  const t = (seq: number, idx: number, live = 50_000): TableRow => ({
    relid: 1, name: 'public.audit', seq_scan: seq, seq_tup_read: seq * live, idx_scan: idx, idx_tup_fetch: idx,
    n_tup_ins: 0, n_tup_upd: 0, n_tup_del: 0, n_live_tup: live, n_dead_tup: 0,
  });
  it('diffs scans over the window and flags a large table read mostly by sequential scans', () => {
    const tr = new TablesTracker();
    tr.ingest([t(100, 100)], []);
    tr.ingest([t(110, 105)], []);
    const [stats] = tr.tableStats();
    expect(stats).toMatchObject({ seq_scan: 10, idx_scan: 5, seq_tup_read: 500_000, missing_index_suspect: true });
  });
  it('counts from zero after pg_stat_reset, never negative', () => {
    const tr = new TablesTracker();
    tr.ingest([t(100, 100)], []);
    tr.ingest([t(3, 1)], []);
    expect(tr.tableStats()[0]).toMatchObject({ seq_scan: 3, idx_scan: 1 });
    expect(tr.warnings.join(' ')).toMatch(/reset/);
  });
});

describe('SlowlogTracker', () => {
  it('keeps only entries newer than the base, without the probe’s own', () => {
    const s = new SlowlogTracker('probe');
    s.ingest([[5, 1_700_000_000, 100, ['GET', 'old']]]);
    const fresh = s.ingest([
      [7, 1_700_000_001, 300, ['INFO', 'all'], '127.0.0.1:1', 'probe'],
      [6, 1_700_000_001, 200, ['KEYS', '*'], '127.0.0.1:2', 'app'],
      [5, 1_700_000_000, 100, ['GET', 'old']],
    ]);
    expect(fresh.map((e) => e.command)).toEqual(['KEYS *']);
    expect(s.list()).toHaveLength(1);
  });
});
