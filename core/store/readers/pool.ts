import type { LongHeldConnection, PoolExhaustionEvent, PoolSection } from '../../profiling/report-types.js';
import type { PoolSample } from '../../profiling/snapshot-types.js';
import type { StatementCache } from '../statement-cache.js';
import { parseJson } from '../session-row.js';
import { bounds, isoFromMs, type RangeMs } from './common.js';

/** The pool the embedded server (and most services) run; a separate audit pool has its own name. */
export const DEFAULT_POOL = 'default';

export interface PoolSampleRecord extends PoolSample {
  pool: string;
}

export interface PoolEvents {
  exhaustion: (PoolExhaustionEvent & { pool: string })[];
  long_held: (LongHeldConnection & { pool: string })[];
}

interface PoolEventDbRow {
  pool: string;
  kind: 'exhaustion' | 'long_held';
  at_ms: number;
  duration_ms: number;
  call_site: string;
  peak_waiting: number | null;
}

export function poolReaders(stmts: StatementCache) {
  /** The PoolSection the monitor computed for a pool, or null if none was recorded. */
  function getPool(sessionId: string, pool: string = DEFAULT_POOL): PoolSection | null {
    const row = stmts.get('SELECT data FROM pool_stats WHERE session_id = ? AND pool = ?').get(sessionId, pool) as { data: string } | undefined;
    return row === undefined ? null : parseJson<PoolSection>(row.data, sessionId, 'pool_stats.data');
  }

  /** Names of the pools with stats or samples, default first. */
  function listPools(sessionId: string): string[] {
    const rows = stmts
      .get(
        `SELECT pool FROM (SELECT pool FROM pool_stats WHERE session_id = @id UNION SELECT pool FROM pool_samples WHERE session_id = @id)
         ORDER BY pool = 'default' DESC, pool`,
      )
      .all({ id: sessionId }) as { pool: string }[];
    return rows.map((r) => r.pool);
  }

  /** Samples in time order (one pool, or all), optionally within an epoch-ms range. */
  function getPoolSamples(sessionId: string, options: RangeMs & { pool?: string } = {}): PoolSampleRecord[] {
    const { from, to } = bounds(options.fromMs, options.toMs);
    const cols = 'pool, t_ms, size, total, checked_out, idle, waiting, overflow';
    if (options.pool !== undefined) {
      return stmts
        .get(`SELECT ${cols} FROM pool_samples WHERE session_id = ? AND pool = ? AND t_ms BETWEEN ? AND ? ORDER BY t_ms`)
        .all(sessionId, options.pool, from, to) as PoolSampleRecord[];
    }
    return stmts
      .get(`SELECT ${cols} FROM pool_samples WHERE session_id = ? AND t_ms BETWEEN ? AND ? ORDER BY t_ms, pool`)
      .all(sessionId, from, to) as PoolSampleRecord[];
  }

  /** Exhaustion episodes and long-held connections, in time order. */
  function getPoolEvents(sessionId: string, options: RangeMs = {}): PoolEvents {
    const { from, to } = bounds(options.fromMs, options.toMs);
    const rows = stmts
      .get(
        `SELECT pool, kind, at_ms, duration_ms, call_site, peak_waiting FROM pool_events
         WHERE session_id = ? AND at_ms BETWEEN ? AND ? ORDER BY at_ms, pool`,
      )
      .all(sessionId, from, to) as PoolEventDbRow[];
    const out: PoolEvents = { exhaustion: [], long_held: [] };
    for (const r of rows) {
      if (r.kind === 'exhaustion') {
        out.exhaustion.push({ pool: r.pool, start: isoFromMs(r.at_ms), duration_ms: r.duration_ms, peak_waiting: r.peak_waiting ?? 0 });
      } else {
        out.long_held.push({ pool: r.pool, held_ms: r.duration_ms, call_site: r.call_site === '' ? null : r.call_site, acquired_at: isoFromMs(r.at_ms) });
      }
    }
    return out;
  }

  return { getPool, listPools, getPoolSamples, getPoolEvents };
}
