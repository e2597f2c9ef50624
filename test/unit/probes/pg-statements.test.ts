import { describe, expect, it } from 'vitest';
import { type StatementRow, StatementsTracker } from '../../../core/probes/pg-statements.js';

const row = (queryid: string, calls: number, totalExecMs = calls, extra: Partial<StatementRow> = {}): StatementRow => ({
  userid: 10,
  dbid: 5,
  toplevel: true,
  queryid,
  calls,
  totalExecMs,
  rows: calls,
  maxExecMs: 2,
  since: null,
  ...extra,
});

function tracker(texts: Record<string, string> = {}): StatementsTracker {
  const t = new StatementsTracker((text) => text.includes('/* probe */'));
  for (const [queryid, text] of Object.entries(texts)) t.setText({ userid: 10, dbid: 5, toplevel: true, queryid }, text);
  return t;
}

const info = (statsReset: string, dealloc = 0) => ({ statsReset, dealloc });
const counts = (t: StatementsTracker) => Object.fromEntries(t.byFingerprint().map((f) => [f.fingerprint, f.count]));

describe('StatementsTracker', () => {
  it('counts only what ran after the first snapshot', () => {
    const t = tracker({ '1': 'SELECT 1' });
    t.ingest([row('1', 500)], info('r0'));
    t.ingest([row('1', 800)], info('r0'));
    t.ingest([row('1', 1500)], info('r0'));
    expect(counts(t)).toEqual({ '1': 1000 });
    expect(t.warnings).toEqual([]);
  });

  it('counts a statement first seen after the base from zero', () => {
    const t = tracker({ '1': 'a', '2': 'b' });
    t.ingest([row('1', 10)], info('r0'));
    t.ingest([row('1', 10), row('2', 7)], info('r0'));
    expect(counts(t)).toEqual({ '2': 7 });
  });

  it('survives a full reset without negative counts, and says counts may be incomplete', () => {
    const t = tracker({ '1': 'a' });
    t.ingest([row('1', 100)], info('r0'));
    t.ingest([row('1', 400)], info('r0')); // +300
    // reset, then 120 more calls: the new counters are all from after the reset
    t.ingest([row('1', 120)], info('r1'));
    expect(counts(t)).toEqual({ '1': 420 });
    expect(t.warnings.join(' ')).toMatch(/reset.*incomplete/);
  });

  it('detects a full reset even when calls after it outnumber those before', () => {
    const t = tracker({ '1': 'a' });
    t.ingest([row('1', 100)], info('r0'));
    t.ingest([row('1', 5000)], info('r1'));
    expect(counts(t)).toEqual({ '1': 5000 });
  });

  it('treats counters going backwards (partial reset, eviction) as counting from zero', () => {
    const t = tracker({ '1': 'a' });
    t.ingest([row('1', 100)], null);
    t.ingest([row('1', 300)], null);
    t.ingest([row('1', 50)], null);
    expect(counts(t)).toEqual({ '1': 250 });
    expect(t.byFingerprint().every((f) => f.count >= 0 && f.total_ms >= 0 && f.rows >= 0)).toBe(true);
    expect(t.warnings.join(' ')).toMatch(/backwards/);
  });

  it('uses stats_since (PostgreSQL 17) to see an entry re-created in between', () => {
    const t = tracker({ '1': 'a' });
    t.ingest([row('1', 100, 100, { since: 's0' })], null);
    t.ingest([row('1', 900, 900, { since: 's1' })], null);
    expect(counts(t)).toEqual({ '1': 900 });
  });

  it('warns when entries were evicted', () => {
    const t = tracker({ '1': 'a' });
    t.ingest([row('1', 1)], info('r0', 3));
    t.ingest([row('1', 2)], info('r0', 9));
    expect(t.warnings.join(' ')).toMatch(/evicted/);
  });

  it("drops the probe's own statements", () => {
    const t = tracker({ '1': 'SELECT a', '2': '/* probe */ SELECT * FROM pg_stat_activity' });
    t.ingest([row('1', 0), row('2', 0)], null);
    t.ingest([row('1', 4), row('2', 9)], null);
    expect(counts(t)).toEqual({ '1': 4 });
  });

  it('reports exact totals and means, p50 as the mean and p95/p99 as the max', () => {
    const t = tracker({ '1': 'SELECT a' });
    t.ingest([row('1', 10, 10)], null);
    t.ingest([row('1', 20, 40, { maxExecMs: 9 })], null);
    const [f] = t.byFingerprint();
    expect(f).toMatchObject({ fingerprint: '1', query: 'SELECT a', count: 10, total_ms: 30, mean_ms: 3, p50_ms: 3, p95_ms: 9, p99_ms: 9, max_ms: 9 });
  });

  it('sums one fingerprint over roles', () => {
    const t = new StatementsTracker(() => false);
    t.setText({ userid: 1, dbid: 5, toplevel: true, queryid: '7' }, 'q');
    t.setText({ userid: 2, dbid: 5, toplevel: true, queryid: '7' }, 'q');
    t.ingest([], null);
    t.ingest([row('7', 3, 3, { userid: 1 }), row('7', 4, 4, { userid: 2 })], null);
    expect(counts(t)).toEqual({ '7': 7 });
  });
});
