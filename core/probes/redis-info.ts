import type { RedisCommandStats } from './types.js';

/**
 * Redis INFO parsed into the counters the probe diffs. INFO counts every command, the probe's
 * own included: the probe knows exactly which commands it sent between two readings (its
 * commands run in order on one connection), so it subtracts them (OwnCommands) and what it
 * reports is the user's traffic only.
 */

export interface CommandCounters {
  calls: number;
  usec: number;
  rejected: number;
  failed: number;
}

export interface InfoReading {
  version: string;
  runId: string;
  totalCommands: number;
  hits: number;
  misses: number;
  expired: number;
  evicted: number;
  connectedClients: number;
  blockedClients: number;
  usedMemory: number;
  peakMemory: number;
  maxMemory: number;
  fragmentation: number;
  commands: Map<string, CommandCounters>;
  keyspace: Record<string, { keys: number; expires: number }>;
}

function fields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i > 0) out.set(line.slice(0, i), line.slice(i + 1));
  }
  return out;
}

/** `calls=1,usec=2,...` -> { calls: '1', usec: '2' }. */
function subfields(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of value.split(',')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i)] = part.slice(i + 1);
  }
  return out;
}

const num = (v: string | undefined): number => {
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
};

export function parseInfo(text: string): InfoReading {
  const f = fields(text);
  const commands = new Map<string, CommandCounters>();
  const keyspace: InfoReading['keyspace'] = {};
  for (const [key, value] of f) {
    if (key.startsWith('cmdstat_')) {
      const s = subfields(value);
      commands.set(key.slice('cmdstat_'.length), {
        calls: num(s['calls']),
        usec: num(s['usec']),
        rejected: num(s['rejected_calls']),
        failed: num(s['failed_calls']),
      });
    } else if (/^db\d+$/.test(key)) {
      const s = subfields(value);
      keyspace[key] = { keys: num(s['keys']), expires: num(s['expires']) };
    }
  }
  return {
    version: f.get('redis_version') ?? 'unknown',
    runId: f.get('run_id') ?? '',
    totalCommands: num(f.get('total_commands_processed')),
    hits: num(f.get('keyspace_hits')),
    misses: num(f.get('keyspace_misses')),
    expired: num(f.get('expired_keys')),
    evicted: num(f.get('evicted_keys')),
    connectedClients: num(f.get('connected_clients')),
    blockedClients: num(f.get('blocked_clients')),
    usedMemory: num(f.get('used_memory')),
    peakMemory: num(f.get('used_memory_peak')),
    maxMemory: num(f.get('maxmemory')),
    fragmentation: num(f.get('mem_fragmentation_ratio')),
    commands,
    keyspace,
  };
}

/**
 * Commands (and key misses) the probe itself caused since the last INFO. Names are the
 * commandstats ones: `info`, `slowlog|get` (Redis 7 names subcommands; older servers do not,
 * and `resolve` falls back to the parent).
 */
export class OwnCommands {
  private pending = new Map<string, number>();
  private pendingMisses = 0;

  add(command: string, count = 1): void {
    this.pending.set(command, (this.pending.get(command) ?? 0) + count);
  }

  addMisses(count: number): void {
    this.pendingMisses += count;
  }

  /** Call right before sending INFO: returns what ran before it and starts a new tally with the INFO itself. */
  takeBeforeInfo(): { commands: Map<string, number>; misses: number } {
    const taken = { commands: this.pending, misses: this.pendingMisses };
    this.pending = new Map([['info', 1]]);
    this.pendingMisses = 0;
    return taken;
  }
}

function resolveName(name: string, commands: Map<string, CommandCounters>): string {
  if (commands.has(name)) return name;
  const parent = name.split('|')[0] ?? name;
  return parent;
}

export interface InfoDelta {
  intervalMs: number;
  commands: number;
  hits: number;
  misses: number;
  byCommand: Map<string, CommandCounters>;
}

const ZERO: CommandCounters = { calls: 0, usec: 0, rejected: 0, failed: 0 };

export class InfoTracker {
  private prev: InfoReading | null = null;
  private prevMs = 0;
  first: InfoReading | null = null;
  last: InfoReading | null = null;
  readonly totals = { commands: 0, hits: 0, misses: 0, expired: 0, evicted: 0 };
  private readonly byCommand = new Map<string, CommandCounters>();
  private readonly warningSet = new Set<string>();

  get warnings(): string[] {
    return [...this.warningSet];
  }

  ingest(reading: InfoReading, tMs: number, own: { commands: Map<string, number>; misses: number }): InfoDelta | null {
    const prev = this.prev;
    this.last = reading;
    if (prev === null) {
      this.first = reading;
      this.prev = reading;
      this.prevMs = tMs;
      return null;
    }
    // A restart (new run_id) or CONFIG RESETSTAT (counters backwards) restarts the counters:
    // count from zero and say that the window lost something.
    const restarted = reading.runId !== prev.runId || reading.totalCommands < prev.totalCommands || reading.hits < prev.hits || reading.misses < prev.misses;
    if (restarted) {
      this.warningSet.add('Redis restarted or its statistics were reset (CONFIG RESETSTAT) during the window: counts may be incomplete');
    }
    const base = restarted ? null : prev;
    const diff = (cur: number, before: number | undefined): number => Math.max(0, cur - (before ?? 0));

    let ownTotal = 0;
    const ownByName = new Map<string, number>();
    for (const [name, n] of own.commands) {
      ownTotal += n;
      const resolved = resolveName(name, reading.commands);
      ownByName.set(resolved, (ownByName.get(resolved) ?? 0) + n);
    }
    const delta: InfoDelta = {
      intervalMs: tMs - this.prevMs,
      commands: Math.max(0, diff(reading.totalCommands, base?.totalCommands) - ownTotal),
      hits: diff(reading.hits, base?.hits),
      misses: Math.max(0, diff(reading.misses, base?.misses) - own.misses),
      byCommand: new Map(),
    };
    for (const [name, cur] of reading.commands) {
      const before = base?.commands.get(name) ?? ZERO;
      const d: CommandCounters = {
        calls: Math.max(0, diff(cur.calls, before.calls) - (ownByName.get(name) ?? 0)),
        usec: diff(cur.usec, before.usec),
        rejected: diff(cur.rejected, before.rejected),
        failed: diff(cur.failed, before.failed),
      };
      if (d.calls === 0 && d.rejected === 0 && d.failed === 0) continue;
      // Own calls are subtracted from the count; their (tiny) usec cannot be told apart and
      // stays, so usec_per_call for `info` and `slowlog` is slightly high.
      delta.byCommand.set(name, d);
      const acc = this.byCommand.get(name) ?? { ...ZERO };
      acc.calls += d.calls;
      acc.usec += d.usec;
      acc.rejected += d.rejected;
      acc.failed += d.failed;
      this.byCommand.set(name, acc);
    }
    this.totals.commands += delta.commands;
    this.totals.hits += delta.hits;
    this.totals.misses += delta.misses;
    this.totals.expired += diff(reading.expired, base?.expired);
    this.totals.evicted += diff(reading.evicted, base?.evicted);
    this.prev = reading;
    this.prevMs = tMs;
    return delta;
  }

  commandStats(): RedisCommandStats[] {
    return [...this.byCommand]
      .map(([command, c]) => ({
        command,
        calls: c.calls,
        usec: c.usec,
        usec_per_call: c.calls === 0 ? 0 : c.usec / c.calls,
        rejected_calls: c.rejected,
        failed_calls: c.failed,
      }))
      .sort((a, b) => b.usec - a.usec || b.calls - a.calls);
  }

  /** Calls of the given commands over the window (e.g. the GET family). */
  callsOf(names: readonly string[]): { calls: number; usec: number } {
    let calls = 0;
    let usec = 0;
    for (const name of names) {
      const c = this.byCommand.get(name);
      if (c) {
        calls += c.calls;
        usec += c.usec;
      }
    }
    return { calls, usec };
  }
}
