import type { QueryFingerprintStats } from '../profiling/report-types.js';

/**
 * Turns successive pg_stat_statements snapshots into the executions of the observed window,
 * without ever resetting the view (the PgHero / pganalyze way: the user's statistics are not
 * ours to clear). Entries are keyed like the view's own unique key: (userid, dbid, toplevel,
 * queryid).
 *
 * Each snapshot is diffed against the previous one, not only against the first, so that resets
 * and evictions lose only what happened between two snapshots:
 * - an entry absent from the previous snapshot was created since, so all its counts are new;
 * - a full pg_stat_statements_reset() moves pg_stat_statements_info.stats_reset: every entry
 *   then counts from zero;
 * - a partial reset or an eviction followed by re-creation shows as a new stats_since
 *   (PostgreSQL 17+) or, before that, as calls going backwards: that entry counts from zero
 *   (before 17, an entry re-created and run more often than before cannot be told apart);
 * - evictions move pg_stat_statements_info.dealloc.
 * The last three lose executions, so each adds a warning; no count ever goes negative.
 */

export interface StatementRow {
  userid: number;
  dbid: number;
  toplevel: boolean;
  /** bigint as text. */
  queryid: string;
  calls: number;
  totalExecMs: number;
  rows: number;
  /** Cumulative since the entry was created (the view keeps no per-window max). */
  maxExecMs: number;
  /** When the entry was created (stats_since, pg_stat_statements 1.11+); null before that. */
  since: string | null;
}

export interface StatementsInfo {
  dealloc: number;
  /** ISO time of the last full reset. */
  statsReset: string;
}

interface Accumulated {
  queryid: string;
  userid: number;
  calls: number;
  totalMs: number;
  rows: number;
  maxMs: number;
}

export interface IntervalDelta {
  calls: number;
  totalMs: number;
  /** Busiest fingerprints of the interval by total time, bounded. */
  top: { fingerprint: string; calls: number; total_ms: number }[];
}

/** Fingerprints kept in one streamed sample: enough for a per-interval chart, bounded. */
const TOP_PER_INTERVAL = 20;

export function statementKey(row: Pick<StatementRow, 'userid' | 'dbid' | 'toplevel' | 'queryid'>): string {
  return `${row.userid}:${row.dbid}:${row.toplevel ? 't' : 'f'}:${row.queryid}`;
}

export class StatementsTracker {
  private prev: Map<string, StatementRow> | null = null;
  private prevInfo: StatementsInfo | null = null;
  private readonly acc = new Map<string, Accumulated>();
  private readonly texts = new Map<string, string>();
  private readonly excluded = new Set<string>();
  private readonly warningSet = new Set<string>();

  /**
   * @param isOwn tells the probe's own statements apart by their text (and role, when the probe
   *   runs as a dedicated one); they are dropped from everything reported.
   */
  constructor(private readonly isOwn: (text: string, userid: number) => boolean) {}

  /** Keys of the snapshot whose text is not known yet (fetch them, then call setText). */
  unknownKeys(rows: readonly StatementRow[]): StatementRow[] {
    return rows.filter((r) => !this.texts.has(statementKey(r)));
  }

  setText(row: Pick<StatementRow, 'userid' | 'dbid' | 'toplevel' | 'queryid'>, text: string): void {
    const key = statementKey(row);
    this.texts.set(key, text);
    if (this.isOwn(text, row.userid)) this.excluded.add(key);
  }

  get warnings(): string[] {
    return [...this.warningSet];
  }

  /** Ingests one snapshot; the first becomes the base. Returns what changed since the previous one. */
  ingest(rows: readonly StatementRow[], info: StatementsInfo | null): IntervalDelta {
    const cur = new Map<string, StatementRow>();
    for (const row of rows) cur.set(statementKey(row), row);
    const delta: IntervalDelta = { calls: 0, totalMs: 0, top: [] };
    if (this.prev === null) {
      this.prev = cur;
      this.prevInfo = info;
      return delta;
    }

    const fullReset = info !== null && this.prevInfo !== null && info.statsReset !== this.prevInfo.statsReset;
    if (fullReset) {
      this.warningSet.add(
        `pg_stat_statements was reset during the window (at ${info.statsReset}): executions between the last snapshot and the reset are missing, so query counts may be incomplete`,
      );
    }
    if (info !== null && this.prevInfo !== null && info.dealloc > this.prevInfo.dealloc && !fullReset) {
      this.warningSet.add(
        'pg_stat_statements evicted entries during the window (raise pg_stat_statements.max): counts of evicted statements may be incomplete',
      );
    }

    const byFingerprint = new Map<string, { calls: number; totalMs: number }>();
    for (const [key, row] of cur) {
      const before = fullReset ? undefined : this.prev.get(key);
      let calls: number;
      let totalMs: number;
      let rowsDelta: number;
      if (before === undefined) {
        [calls, totalMs, rowsDelta] = [row.calls, row.totalExecMs, row.rows];
      } else if (row.since !== before.since || row.calls < before.calls || row.totalExecMs < before.totalExecMs) {
        this.warningSet.add(
          'pg_stat_statements counters went backwards for some statements (partial reset or eviction): counts may be incomplete',
        );
        [calls, totalMs, rowsDelta] = [row.calls, row.totalExecMs, row.rows];
      } else {
        [calls, totalMs, rowsDelta] = [row.calls - before.calls, row.totalExecMs - before.totalExecMs, Math.max(0, row.rows - before.rows)];
      }
      if (calls === 0 || this.excluded.has(key)) continue;

      const acc = this.acc.get(key) ?? { queryid: row.queryid, userid: row.userid, calls: 0, totalMs: 0, rows: 0, maxMs: 0 };
      acc.calls += calls;
      acc.totalMs += totalMs;
      acc.rows += rowsDelta;
      acc.maxMs = Math.max(acc.maxMs, row.maxExecMs);
      this.acc.set(key, acc);

      delta.calls += calls;
      delta.totalMs += totalMs;
      const f = byFingerprint.get(row.queryid) ?? { calls: 0, totalMs: 0 };
      f.calls += calls;
      f.totalMs += totalMs;
      byFingerprint.set(row.queryid, f);
    }
    delta.top = [...byFingerprint]
      .sort((a, b) => b[1].totalMs - a[1].totalMs)
      .slice(0, TOP_PER_INTERVAL)
      .map(([fingerprint, f]) => ({ fingerprint, calls: f.calls, total_ms: f.totalMs }));

    this.prev = cur;
    this.prevInfo = info;
    return delta;
  }

  /**
   * Per-fingerprint totals over the window (fingerprint = queryid, summed over roles and
   * nesting levels). pg_stat_statements keeps no distribution: p50 is set to the mean and
   * p95/p99 to the max, which is an upper bound (the view's max covers the entry's lifetime).
   */
  byFingerprint(): QueryFingerprintStats[] {
    const merged = new Map<string, { text: string; calls: number; totalMs: number; rows: number; maxMs: number }>();
    for (const [key, a] of this.acc) {
      if (this.excluded.has(key)) continue;
      const m = merged.get(a.queryid) ?? { text: this.texts.get(key) ?? '', calls: 0, totalMs: 0, rows: 0, maxMs: 0 };
      m.calls += a.calls;
      m.totalMs += a.totalMs;
      m.rows += a.rows;
      m.maxMs = Math.max(m.maxMs, a.maxMs);
      merged.set(a.queryid, m);
    }
    return [...merged]
      .map(([fingerprint, m]) => {
        const mean = m.calls === 0 ? 0 : m.totalMs / m.calls;
        const max = Math.max(m.maxMs, mean);
        return {
          fingerprint,
          query: m.text,
          count: m.calls,
          errors: 0,
          total_ms: m.totalMs,
          mean_ms: mean,
          p50_ms: mean,
          p95_ms: max,
          p99_ms: max,
          max_ms: max,
          rows: m.rows,
        };
      })
      .sort((a, b) => b.total_ms - a.total_ms);
  }
}
