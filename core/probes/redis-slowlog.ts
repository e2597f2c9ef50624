import type { RedisSlowlogEntry } from './types.js';

/**
 * New SLOWLOG entries since start(): entry ids only grow (until a restart), so the probe keeps
 * the highest id it has seen and takes what is above it. SLOWLOG RESET empties the log but not
 * the id counter, so it loses nothing the probe had not read yet.
 */

/** Entries read per poll; more than this between two polls means some were missed. */
export const SLOWLOG_FETCH = 128;
/** Entries kept for the report (the slowest win). */
const MAX_KEPT = 200;
const MAX_COMMAND_CHARS = 300;

export type RawSlowlogEntry = [number, number, number, unknown[], string?, string?];

export class SlowlogTracker {
  private lastId: number | null = null;
  private readonly entries: RedisSlowlogEntry[] = [];
  private missed = false;
  private seen = 0;

  constructor(private readonly ownClientName: string) {}

  get warnings(): string[] {
    return this.missed
      ? [`more than ${SLOWLOG_FETCH} slow commands arrived between two polls: some SLOWLOG entries were missed (raise slowlog-max-len or poll more often)`]
      : [];
  }

  /** Total slow commands seen in the window (also those beyond the kept list). */
  get count(): number {
    return this.seen;
  }

  /** Feeds one SLOWLOG GET reply; the first sets the base. Returns the new entries. */
  ingest(raw: readonly RawSlowlogEntry[], restarted = false): RedisSlowlogEntry[] {
    if (restarted) this.lastId = -1;
    const maxId = raw.reduce((m, e) => Math.max(m, Number(e[0])), -1);
    if (this.lastId === null) {
      this.lastId = maxId;
      return [];
    }
    const fresh = raw.filter((e) => Number(e[0]) > (this.lastId as number));
    if (fresh.length === raw.length && raw.length >= SLOWLOG_FETCH) this.missed = true;
    if (maxId > this.lastId) this.lastId = maxId;
    const out: RedisSlowlogEntry[] = [];
    for (const e of fresh) {
      const clientName = String(e[5] ?? '');
      if (clientName === this.ownClientName) continue;
      out.push({
        id: Number(e[0]),
        at: new Date(Number(e[1]) * 1000).toISOString(),
        duration_us: Number(e[2]),
        command: (e[3] ?? []).map((a) => String(a)).join(' ').slice(0, MAX_COMMAND_CHARS),
        client_addr: String(e[4] ?? ''),
        client_name: clientName,
      });
    }
    this.seen += out.length;
    this.entries.push(...out);
    if (this.entries.length > MAX_KEPT * 2) this.trim();
    return out;
  }

  private trim(): void {
    this.entries.sort((a, b) => b.duration_us - a.duration_us);
    this.entries.length = Math.min(this.entries.length, MAX_KEPT);
  }

  list(): RedisSlowlogEntry[] {
    this.trim();
    return [...this.entries];
  }
}
