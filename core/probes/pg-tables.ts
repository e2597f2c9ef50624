import type { IndexScanStats, ProbeSampleData, TableScanStats } from './types.js';

/**
 * pg_stat_user_tables / pg_stat_user_indexes diffed over the window: sequential vs index scans
 * per table. Like the statements tracker, each snapshot is diffed against the previous one and a
 * counter going backwards (pg_stat_reset()) counts from zero with a warning.
 *
 * Backends publish these counters when a transaction ends, at most once a second, and an idle
 * backend may hold them back for up to 10 s (PostgreSQL 15's PGSTAT_IDLE_INTERVAL): the last
 * seconds of a window can show up late. The final snapshot is taken at stop().
 */

/** PgHero's missing-index rule: a table this large... */
export const MISSING_INDEX_MIN_ROWS = 10_000;
/** ...read by index scans less often than this (fraction of all scans) is worth an index. */
export const MISSING_INDEX_MAX_IDX_RATIO = 0.95;
const MAX_UNUSED_LISTED = 50;
const TOP_PER_SAMPLE = 10;

export interface TableRow {
  relid: number;
  name: string;
  seq_scan: number;
  seq_tup_read: number;
  idx_scan: number;
  idx_tup_fetch: number;
  n_tup_ins: number;
  n_tup_upd: number;
  n_tup_del: number;
  n_live_tup: number;
  n_dead_tup: number;
}

export interface IndexRow {
  indexrelid: number;
  table: string;
  index: string;
  idx_scan: number;
  idx_tup_read: number;
  idx_tup_fetch: number;
}

const TABLE_COUNTERS = ['seq_scan', 'seq_tup_read', 'idx_scan', 'idx_tup_fetch', 'n_tup_ins', 'n_tup_upd', 'n_tup_del'] as const;
const INDEX_COUNTERS = ['idx_scan', 'idx_tup_read', 'idx_tup_fetch'] as const;

type Counters<K extends string> = Record<K, number>;

/** Adds cur - prev (or cur when a counter went backwards) into acc; true if it went backwards. */
function addDelta<K extends string>(acc: Counters<K>, cur: Counters<K>, prev: Counters<K> | undefined, keys: readonly K[]): boolean {
  const reset = prev !== undefined && keys.some((k) => cur[k] < prev[k]);
  for (const k of keys) acc[k] += prev === undefined || reset ? cur[k] : cur[k] - prev[k];
  return reset;
}

export class TablesTracker {
  private prevTables: Map<number, TableRow> | null = null;
  private prevIndexes: Map<number, IndexRow> | null = null;
  private readonly tables = new Map<number, TableRow>();
  private readonly indexes = new Map<number, IndexRow>();
  private readonly lastLive = new Map<number, { n_live_tup: number; n_dead_tup: number }>();
  private readonly warningSet = new Set<string>();

  get warnings(): string[] {
    return [...this.warningSet];
  }

  ingest(tableRows: readonly TableRow[], indexRows: readonly IndexRow[]): ProbeSampleData {
    const curTables = new Map(tableRows.map((r) => [r.relid, r]));
    const curIndexes = new Map(indexRows.map((r) => [r.indexrelid, r]));
    const sample = { kind: 'tables', seq_scan: 0, idx_scan: 0, seq_tup_read: 0, top: [] as { table: string; seq_scan: number; seq_tup_read: number; idx_scan: number }[] };
    for (const r of tableRows) this.lastLive.set(r.relid, { n_live_tup: r.n_live_tup, n_dead_tup: r.n_dead_tup });
    if (this.prevTables === null || this.prevIndexes === null) {
      this.prevTables = curTables;
      this.prevIndexes = curIndexes;
      return sample;
    }
    const interval: { table: string; seq_scan: number; seq_tup_read: number; idx_scan: number }[] = [];
    for (const [relid, row] of curTables) {
      const prev = this.prevTables.get(relid);
      const acc = this.tables.get(relid) ?? { ...row, ...zero(TABLE_COUNTERS) };
      const before = { seq_scan: acc.seq_scan, seq_tup_read: acc.seq_tup_read, idx_scan: acc.idx_scan };
      if (addDelta(acc, row, prev, TABLE_COUNTERS)) this.resetWarning();
      this.tables.set(relid, acc);
      const d = { table: row.name, seq_scan: acc.seq_scan - before.seq_scan, seq_tup_read: acc.seq_tup_read - before.seq_tup_read, idx_scan: acc.idx_scan - before.idx_scan };
      sample.seq_scan += d.seq_scan;
      sample.idx_scan += d.idx_scan;
      sample.seq_tup_read += d.seq_tup_read;
      if (d.seq_scan + d.idx_scan > 0) interval.push(d);
    }
    for (const [id, row] of curIndexes) {
      const acc = this.indexes.get(id) ?? { ...row, ...zero(INDEX_COUNTERS) };
      if (addDelta(acc, row, this.prevIndexes.get(id), INDEX_COUNTERS)) this.resetWarning();
      this.indexes.set(id, acc);
    }
    sample.top = interval.sort((a, b) => b.seq_tup_read - a.seq_tup_read).slice(0, TOP_PER_SAMPLE);
    this.prevTables = curTables;
    this.prevIndexes = curIndexes;
    return sample;
  }

  private resetWarning(): void {
    this.warningSet.add('table statistics were reset during the window (pg_stat_reset): scan counts may be incomplete');
  }

  tableStats(): TableScanStats[] {
    return [...this.tables.values()]
      .map((t) => {
        const live = this.lastLive.get(t.relid) ?? { n_live_tup: t.n_live_tup, n_dead_tup: t.n_dead_tup };
        const scans = t.seq_scan + t.idx_scan;
        const ratio = scans === 0 ? null : t.idx_scan / scans;
        return {
          table: t.name,
          seq_scan: t.seq_scan,
          seq_tup_read: t.seq_tup_read,
          idx_scan: t.idx_scan,
          idx_tup_fetch: t.idx_tup_fetch,
          idx_scan_ratio: ratio,
          n_tup_ins: t.n_tup_ins,
          n_tup_upd: t.n_tup_upd,
          n_tup_del: t.n_tup_del,
          n_live_tup: live.n_live_tup,
          n_dead_tup: live.n_dead_tup,
          missing_index_suspect: ratio !== null && live.n_live_tup >= MISSING_INDEX_MIN_ROWS && ratio < MISSING_INDEX_MAX_IDX_RATIO,
        };
      })
      .filter((t) => t.seq_scan + t.idx_scan + t.n_tup_ins + t.n_tup_upd + t.n_tup_del > 0)
      .sort((a, b) => b.seq_tup_read - a.seq_tup_read || b.seq_scan - a.seq_scan);
  }

  indexStats(): IndexScanStats[] {
    return [...this.indexes.values()]
      .filter((i) => i.idx_scan > 0)
      .map((i) => ({ table: i.table, index: i.index, idx_scan: i.idx_scan, idx_tup_read: i.idx_tup_read, idx_tup_fetch: i.idx_tup_fetch }))
      .sort((a, b) => b.idx_scan - a.idx_scan);
  }

  /** Indexes never used in the window on tables that were read in it (no reads = no signal). */
  unusedIndexes(): string[] {
    const readTables = new Set([...this.tables.values()].filter((t) => t.seq_scan + t.idx_scan > 0).map((t) => t.name));
    return [...this.indexes.values()]
      .filter((i) => i.idx_scan === 0 && readTables.has(i.table))
      .map((i) => i.index)
      .slice(0, MAX_UNUSED_LISTED);
  }
}

function zero<K extends string>(keys: readonly K[]): Counters<K> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Counters<K>;
}
