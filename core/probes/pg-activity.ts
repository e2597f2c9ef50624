import { GaugeStats, PeakByKey } from './gauge-stats.js';
import type { PostgresActivitySummary, ProbeSampleData } from './types.js';

/**
 * pg_stat_activity sampled each second: connections by state, by application and database,
 * backends waiting on locks, and statements caught running long. Only client backends count
 * (autovacuum and the WAL writer are not the user's load), and the probe's own backend is left
 * out by the query (pid <> pg_backend_pid()).
 */

/** A statement seen still running after this long is listed. 1 s: the sampling period, so
 * anything listed was caught by at least one sample in flight (shorter ones only by chance). */
export const LONG_RUNNING_MS = 1_000;
/** Bound on listed long-running statements (one per backend and start time). */
const MAX_LONG_RUNNING = 100;
const MAX_QUERY_CHARS = 500;

export interface ActivityRow {
  pid: number;
  datname: string | null;
  application_name: string | null;
  state: string | null;
  wait_event_type: string | null;
  running_ms: number | null;
  /** Epoch ms the current (or last) statement started. */
  query_start_ms: number | null;
  query: string | null;
}

function countBy(rows: readonly ActivityRow[], pick: (r: ActivityRow) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) {
    const k = pick(r);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

export class ActivityTracker {
  private readonly connections = new GaugeStats();
  private readonly active = new GaugeStats();
  private readonly idleInTx = new GaugeStats();
  private readonly waiting = new GaugeStats();
  private readonly byState = new PeakByKey();
  private readonly byApplication = new PeakByKey();
  private readonly byDatabase = new PeakByKey();
  private longestActiveMs = 0;
  private readonly longRunning = new Map<string, PostgresActivitySummary['long_running'][number]>();

  /** Records one sample and returns the data streamed for it. */
  ingest(rows: readonly ActivityRow[]): ProbeSampleData {
    const byState = countBy(rows, (r) => r.state ?? 'unknown');
    const byApplication = countBy(rows, (r) => r.application_name || '(none)');
    const byDatabase = countBy(rows, (r) => r.datname ?? '(none)');
    const waiting = rows.filter((r) => r.wait_event_type === 'Lock').length;
    let longest = 0;
    for (const r of rows) {
      if (r.state !== 'active' || r.running_ms === null) continue;
      longest = Math.max(longest, r.running_ms);
      if (r.running_ms >= LONG_RUNNING_MS && r.query_start_ms !== null) {
        const key = `${r.pid}@${r.query_start_ms}`;
        const seen = this.longRunning.get(key);
        if (seen) seen.seen_running_ms = Math.max(seen.seen_running_ms, r.running_ms);
        else if (this.longRunning.size < MAX_LONG_RUNNING) {
          this.longRunning.set(key, {
            pid: r.pid,
            application: r.application_name ?? '',
            query: (r.query ?? '').slice(0, MAX_QUERY_CHARS),
            seen_running_ms: r.running_ms,
            started_at: new Date(r.query_start_ms).toISOString(),
          });
        }
      }
    }
    this.longestActiveMs = Math.max(this.longestActiveMs, longest);
    this.connections.record(rows.length);
    this.active.record(byState['active'] ?? 0);
    this.idleInTx.record((byState['idle in transaction'] ?? 0) + (byState['idle in transaction (aborted)'] ?? 0));
    this.waiting.record(waiting);
    this.byState.record(byState);
    this.byApplication.record(byApplication);
    this.byDatabase.record(byDatabase);
    return {
      kind: 'activity',
      connections: rows.length,
      by_state: byState,
      by_application: byApplication,
      by_database: byDatabase,
      waiting_on_locks: waiting,
      longest_active_ms: longest,
    };
  }

  summary(): PostgresActivitySummary {
    return {
      samples: this.connections.samples,
      connections: this.connections.summary(),
      active: this.active.summary(),
      idle_in_transaction: this.idleInTx.summary(),
      waiting_on_locks: this.waiting.summary(),
      max_by_state: this.byState.toJSON(),
      max_by_application: this.byApplication.toJSON(),
      max_by_database: this.byDatabase.toJSON(),
      longest_active_ms: this.longestActiveMs,
      long_running: [...this.longRunning.values()].sort((a, b) => b.seen_running_ms - a.seen_running_ms),
    };
  }
}
