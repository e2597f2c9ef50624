import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { errorMessage } from '../common/errors.js';
import type { KeyPatternFn } from './key-pattern.js';
import { commandKeys } from './redis-commands.js';
import type { OwnCommands } from './redis-info.js';
import { type MonitorEvent, MonitorStream } from './redis-monitor-stream.js';
import type { RedisMonitorSummary, RedisPatternStats } from './types.js';

/**
 * Opt-in per-key-pattern statistics for a Redis the workbench does not own: MONITOR gives every
 * command and its keys (ops and lookups per pattern), `keymiss` keyspace notifications give the
 * misses per key; hits = lookups - misses. Notifications are enabled by adding `Em` to
 * notify-keyspace-events, and the previous value is put back at the end, on error too.
 *
 * The two streams arrive on different connections; to count the same server instants in both,
 * the probe GETs a random, missing marker key at the start and at the end: MONITOR shows that
 * GET and the notification stream reports its miss at the same point of the server's command
 * sequence, and each stream counts only what lies between its two markers. The two marker GETs
 * are misses in INFO too; the probe subtracts them (OwnCommands).
 */

export const MONITOR_COST_WARNING =
  'MONITOR streams every command to the probe and costs the server throughput (Redis documents a drop of more than 50% with one MONITOR client): keep --redis-monitor windows short on a busy server';

const KEYMISS_CHANNEL = '__keyevent@*__:keymiss';
/** Distinct patterns kept; beyond this, keys count under OTHER_PATTERN (bounded memory). */
const MAX_PATTERNS = 1_000;
const OTHER_PATTERN = '(other)';
/** How long end() waits for both streams to deliver the end marker. */
const DRAIN_TIMEOUT_MS = 5_000;

/** Adds the E (keyevent) and m (keymiss) flags to a notify-keyspace-events value. */
export function withKeymissEvents(flags: string): string {
  let out = flags;
  if (!out.includes('E')) out += 'E';
  if (!out.includes('m')) out += 'm';
  return out;
}

const sameFlags = (a: string, b: string): boolean => [...a].sort().join('') === [...b].sort().join('');

interface PatternCounts {
  ops: number;
  reads: number;
  writes: number;
  misses: number;
}

type Phase = 'before' | 'open' | 'closed';

export interface MonitorSessionDeps {
  main: Redis;
  url: URL;
  clientName: string;
  connectTimeoutMs: number;
  own: OwnCommands;
  /** Addresses of the probe's own connections (their commands are not the user's). */
  ownAddrs: ReadonlySet<string>;
  keyPattern: KeyPatternFn;
  makeSubscriber: () => Redis;
}

export class MonitorSession {
  private stream: MonitorStream | null = null;
  private subscriber: Redis | null = null;
  private previousNotify: string | null = null;
  private ourNotify: string | null = null;
  private restored = false;
  private keymissEnabled = false;
  private monitorPhase: Phase = 'before';
  private missPhase: Phase = 'before';
  private readonly startMarker: string;
  private readonly endMarker: string;
  private readonly patterns = new Map<string, PatternCounts>();
  private commandsSeen = 0;
  private unattributed = 0;
  private lookups = 0;
  private keymissEvents = 0;
  /** Server times of the two markers as MONITOR showed them. */
  private openedAt: number | null = null;
  private closedAt: number | null = null;
  private ended = false;
  private monitorFailed = false;
  private readonly warningSet = new Set<string>([MONITOR_COST_WARNING]);

  constructor(private readonly deps: MonitorSessionDeps) {
    const id = randomUUID();
    this.startMarker = `sark-workbench-probe:marker:${id}:start`;
    this.endMarker = `sark-workbench-probe:marker:${id}:end`;
  }

  get warnings(): string[] {
    return [...this.warningSet];
  }

  /** Connections the session holds open (the server counts them in connected_clients). */
  get connections(): number {
    return (this.stream ? 1 : 0) + (this.subscriber ? 1 : 0);
  }

  async begin(): Promise<void> {
    const { main, own } = this.deps;
    try {
      await this.enableKeymiss();
      const stream = new MonitorStream({ url: this.deps.url, clientName: this.deps.clientName, connectTimeoutMs: this.deps.connectTimeoutMs });
      stream.on('event', (e: MonitorEvent) => this.onCommand(e));
      stream.on('error', (err: unknown) => {
        this.monitorFailed = true;
        this.warningSet.add(`MONITOR stopped early: ${errorMessage(err)}; per-pattern counts cover only part of the window`);
      });
      this.stream = stream;
      await stream.start();
      own.add('get');
      own.addMisses(1);
      await main.get(this.startMarker);
    } catch (err) {
      await this.cleanup();
      throw err;
    }
  }

  private async enableKeymiss(): Promise<void> {
    const { main, own } = this.deps;
    let previous: string;
    try {
      own.add('config|get');
      previous = ((await main.config('GET', 'notify-keyspace-events')) as string[])[1] ?? '';
    } catch (err) {
      this.warningSet.add(`cannot read notify-keyspace-events (${errorMessage(err)}): per-pattern misses are unavailable, ops per pattern still are`);
      return;
    }
    const subscriber = this.deps.makeSubscriber();
    this.subscriber = subscriber;
    subscriber.on('pmessage', (_pattern: string, _channel: string, key: string) => this.onMiss(key));
    await subscriber.psubscribe(KEYMISS_CHANNEL);
    const wanted = withKeymissEvents(previous);
    if (!sameFlags(wanted, previous)) {
      try {
        own.add('config|set');
        await main.config('SET', 'notify-keyspace-events', wanted);
      } catch (err) {
        this.warningSet.add(`cannot enable keymiss notifications (${errorMessage(err)}): per-pattern misses are unavailable, ops per pattern still are`);
        return;
      }
      this.previousNotify = previous;
      this.ourNotify = wanted;
    }
    this.keymissEnabled = true;
  }

  private onCommand(e: MonitorEvent): void {
    const key = e.args[1];
    // The markers are recognised by their random key alone, so the window is cut right even
    // when the probe's own address could not be learned.
    if (key === this.startMarker && this.monitorPhase === 'before') {
      this.monitorPhase = 'open';
      this.openedAt = e.time;
      return;
    }
    if (key === this.endMarker) {
      this.monitorPhase = 'closed';
      this.closedAt = e.time;
      return;
    }
    if (this.deps.ownAddrs.has(e.source)) return;
    if (this.monitorPhase !== 'open') return;
    this.commandsSeen++;
    const ck = commandKeys(e.args);
    if (ck === null) {
      this.unattributed++;
      return;
    }
    for (const k of ck.keys) {
      const c = this.counts(k);
      c.ops++;
      if (ck.read) {
        c.reads++;
        this.lookups++;
      } else c.writes++;
    }
  }

  private onMiss(key: string): void {
    if (key === this.startMarker) {
      this.missPhase = 'open';
      return;
    }
    if (key === this.endMarker) {
      this.missPhase = 'closed';
      return;
    }
    if (this.missPhase !== 'open') return;
    this.keymissEvents++;
    this.counts(key).misses++;
  }

  private counts(key: string): PatternCounts {
    let pattern = this.deps.keyPattern(key);
    if (!this.patterns.has(pattern) && this.patterns.size >= MAX_PATTERNS) pattern = OTHER_PATTERN;
    let c = this.patterns.get(pattern);
    if (!c) {
      c = { ops: 0, reads: 0, writes: 0, misses: 0 };
      this.patterns.set(pattern, c);
    }
    return c;
  }

  /** Ends the window (end marker), waits for both streams to reach it, closes them and restores the setting. */
  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    const { main, own } = this.deps;
    try {
      own.add('get');
      own.addMisses(1);
      await main.get(this.endMarker);
      const deadline = Date.now() + DRAIN_TIMEOUT_MS;
      while (!this.drained() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      if (!this.drained()) this.warningSet.add('MONITOR or keymiss notifications lagged behind: per-pattern counts may miss the last commands');
    } catch (err) {
      this.warningSet.add(`could not close the MONITOR window cleanly: ${errorMessage(err)}`);
    } finally {
      await this.cleanup();
    }
  }

  private drained(): boolean {
    // A MONITOR connection that died will never deliver the end marker: do not wait for it.
    return (this.monitorPhase === 'closed' || this.monitorFailed) && (!this.keymissEnabled || this.missPhase === 'closed');
  }

  /** Closes the streams and restores notify-keyspace-events; safe to call more than once. */
  async cleanup(): Promise<void> {
    this.stream?.close();
    this.stream = null;
    this.subscriber?.disconnect();
    this.subscriber = null;
    await this.restore();
  }

  private async restore(): Promise<void> {
    if (this.ourNotify === null || this.previousNotify === null || this.restored) return;
    const { main, own } = this.deps;
    const previous = this.previousNotify;
    try {
      own.add('config|get');
      const current = ((await main.config('GET', 'notify-keyspace-events')) as string[])[1] ?? '';
      if (!sameFlags(current, this.ourNotify)) {
        this.warningSet.add(`notify-keyspace-events was changed by someone else during the window (now '${current}'): left as it is, it was '${previous}' before`);
        this.restored = true;
        return;
      }
      own.add('config|set');
      await main.config('SET', 'notify-keyspace-events', previous);
      this.restored = true;
    } catch (err) {
      this.warningSet.add(`could not restore notify-keyspace-events (${errorMessage(err)}): run CONFIG SET notify-keyspace-events "${previous}"`);
    }
  }

  summary(): RedisMonitorSummary {
    const byPattern: RedisPatternStats[] = [...this.patterns]
      .map(([pattern, c]) => {
        const misses = this.keymissEnabled ? c.misses : 0;
        const hits = this.keymissEnabled ? Math.max(0, c.reads - c.misses) : 0;
        return {
          pattern,
          operations: c.ops,
          hits,
          misses,
          hit_rate: hits + misses === 0 ? 0 : hits / (hits + misses),
          avg_latency_ms: 0,
          reads: c.reads,
          writes: c.writes,
        };
      })
      .sort((a, b) => b.operations - a.operations);
    return {
      seconds: this.openedAt === null ? 0 : (this.closedAt ?? Date.now() / 1000) - this.openedAt,
      commands_seen: this.commandsSeen,
      unattributed_commands: this.unattributed,
      lookups: this.lookups,
      keymiss_events: this.keymissEnabled ? this.keymissEvents : null,
      by_pattern: byPattern,
      complete: this.drained() && !this.monitorFailed,
      previous_notify_keyspace_events: this.previousNotify,
      restored: this.ourNotify === null || this.restored,
    };
  }
}
