import { Redis } from 'ioredis';
import { WorkbenchError, errorMessage } from '../common/errors.js';
import { redactText } from '../common/redact.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, type ParsedTarget, parseTargetUrl, redisConnectError, withDeadline } from './connect-errors.js';
import { GaugeStats } from './gauge-stats.js';
import { ownAddress } from './redis-own-address.js';
import { type KeyPatternFn, defaultKeyPattern } from './key-pattern.js';
import { InfoTracker, OwnCommands, parseInfo } from './redis-info.js';
import { MONITOR_COST_WARNING, MonitorSession } from './redis-monitor.js';
import { redisSections } from './redis-sections.js';
import { type RawSlowlogEntry, SLOWLOG_FETCH, SlowlogTracker } from './redis-slowlog.js';
import { SampleHub } from './sample-hub.js';
import { Ticker } from './ticker.js';
import type { Probe, ProbeCapabilities, RedisProbeSections, SampleListener } from './types.js';

export const REDIS_PROBE_CLIENT_NAME = 'sark-workbench-probe';
const DEFAULT_INTERVAL_MS = 1_000;
/** Commands listed per streamed sample. */
const TOP_COMMANDS_PER_SAMPLE = 10;

export interface RedisProbeOptions {
  /** Bound on connect (default 4 s: the issue asks for an error within 5 s). */
  connectTimeoutMs?: number;
  /**
   * Opt-in: MONITOR for this many seconds from start() (or until stop()), plus keymiss
   * notifications, for ops and hit rate per key pattern. Costs the server throughput.
   */
  monitor?: { seconds: number; keyPattern?: KeyPatternFn };
}

/**
 * Watches a user's Redis through its own connection (named sark-workbench-probe): INFO every
 * interval (ops/s, hits, misses, per-command calls and usec, clients, memory), new SLOWLOG
 * entries, and opt-in MONITOR per key pattern (redis-monitor.ts). It only reads: the one
 * setting it may change (notify-keyspace-events, for MONITOR) is restored afterwards.
 */
export class RedisProbe implements Probe {
  readonly name = 'redis' as const;
  private readonly hub = new SampleHub('redis');
  private readonly own = new OwnCommands();
  private readonly info = new InfoTracker();
  private readonly slowlog = new SlowlogTracker(REDIS_PROBE_CLIENT_NAME);
  private readonly connected = new GaugeStats();
  private readonly blocked = new GaugeStats();
  private readonly warningSet = new Set<string>();
  private maxUsedMemory = 0;
  private monitor: MonitorSession | null = null;
  private monitorTimer: NodeJS.Timeout | undefined;
  private ticker: Ticker | null = null;
  private startedAtMs: number | null = null;
  private stoppedAtMs: number | null = null;
  private version = 'unknown';
  private lost = false;
  private closed = false;

  private constructor(
    private readonly redis: Redis,
    private readonly target: ParsedTarget,
    private readonly ownAddrs: Set<string>,
    private readonly options: RedisProbeOptions,
  ) {
    redis.on('error', (err: unknown) => this.warningSet.add(`Redis probe connection error: ${redactText(errorMessage(err))}`));
    redis.on('end', () => {
      if (!this.closed) {
        this.lost = true;
        this.warningSet.add(`lost the connection to Redis at ${target.hostPort}; sampling stopped`);
      }
    });
  }

  static async connect(url: string, options: RedisProbeOptions = {}): Promise<RedisProbe> {
    const target = parseTargetUrl('Redis', url, ['redis:', 'rediss:'], 6379);
    if (options.monitor !== undefined && !(options.monitor.seconds > 0)) {
      throw new WorkbenchError('the Redis monitor duration must be a positive number of seconds', 2);
    }
    const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const redis = new Redis(url, {
      lazyConnect: true,
      connectTimeout: timeoutMs,
      connectionName: REDIS_PROBE_CLIENT_NAME,
      // No silent reconnects: the probe's accounting of its own commands assumes one
      // connection; a lost connection ends sampling with a warning instead.
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    let lastError: unknown = null;
    redis.on('error', (err: unknown) => {
      lastError = err;
    });
    try {
      const ownAddrs = await withDeadline(
        (async () => {
          await redis.connect();
          return new Set([await ownAddress(redis)]);
        })(),
        timeoutMs,
      );
      redis.removeAllListeners('error');
      return new RedisProbe(redis, target, ownAddrs, options);
    } catch (err) {
      redis.disconnect();
      // ioredis rejects with "Connection is closed."; the cause came through the error event.
      throw redisConnectError(target, lastError ?? err, timeoutMs);
    }
  }

  private send(statName: string, args: readonly [string, ...string[]]): Promise<unknown> {
    this.own.add(statName);
    return this.redis.call(args[0], ...args.slice(1));
  }

  async check(): Promise<ProbeCapabilities> {
    this.assertOpen();
    const reading = parseInfo((await this.send('info', ['info', 'all'])) as string);
    this.version = reading.version;
    const warnings: string[] = [];
    let slowlog = true;
    try {
      await this.send('slowlog|len', ['slowlog', 'len']);
    } catch (err) {
      slowlog = false;
      warnings.push(`SLOWLOG is not available to this user (${errorMessage(err)}): slow commands will not be listed`);
    }
    let config = true;
    try {
      const r = (await this.send('config|get', ['config', 'get', 'slowlog-log-slower-than'])) as string[];
      const slowerThanUs = Number(r[1]);
      if (slowerThanUs < 0) warnings.push('the slowlog is disabled (slowlog-log-slower-than < 0): CONFIG SET slowlog-log-slower-than 10000 to list commands over 10 ms');
    } catch (err) {
      config = false;
      warnings.push(`CONFIG is not available to this user (${errorMessage(err)}): the monitor option cannot enable keymiss notifications (per-pattern misses)`);
    }
    if (this.options.monitor) warnings.push(MONITOR_COST_WARNING);
    return {
      ok: true,
      probe: 'redis',
      target: this.target.redacted,
      version: reading.version,
      features: {
        info: true,
        commandstats: reading.commands.size > 0,
        slowlog,
        config,
        monitor: this.options.monitor !== undefined,
      },
      warnings,
    };
  }

  onSample(listener: SampleListener): () => void {
    return this.hub.on(listener);
  }

  async start(intervalMs = DEFAULT_INTERVAL_MS): Promise<void> {
    this.assertOpen();
    if (this.startedAtMs !== null) throw new WorkbenchError('the Redis probe was already started');
    if (this.options.monitor) await this.beginMonitor(this.options.monitor);
    this.startedAtMs = Date.now();
    // Base readings (after the monitor's set-up, so its commands are not in the window).
    await this.sample();
    this.ticker = new Ticker(intervalMs, () => this.sample(), (err) => this.warningSet.add(`a Redis probe sample failed: ${redactText(errorMessage(err))}`));
    this.ticker.start();
  }

  private async beginMonitor(opts: NonNullable<RedisProbeOptions['monitor']>): Promise<void> {
    const session = new MonitorSession({
      main: this.redis,
      url: this.target.url,
      clientName: REDIS_PROBE_CLIENT_NAME,
      connectTimeoutMs: this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      own: this.own,
      ownAddrs: this.ownAddrs,
      keyPattern: opts.keyPattern ?? defaultKeyPattern,
      makeSubscriber: () => this.redis.duplicate({ enableReadyCheck: false }),
    });
    try {
      await session.begin();
      this.monitor = session;
      this.monitorTimer = setTimeout(() => void this.endMonitor(), opts.seconds * 1000);
      this.monitorTimer.unref();
    } catch (err) {
      this.warningSet.add(`MONITOR could not start (${redactText(errorMessage(err))}): no per-pattern statistics`);
    }
  }

  private endingMonitor: Promise<void> | null = null;
  private endMonitor(): Promise<void> {
    clearTimeout(this.monitorTimer);
    this.endingMonitor ??= this.monitor?.end() ?? Promise.resolve();
    return this.endingMonitor;
  }

  async stop(): Promise<void> {
    if (this.startedAtMs === null || this.stoppedAtMs !== null) return;
    await this.ticker?.stop();
    this.ticker = null;
    await this.endMonitor();
    if (!this.lost && !this.closed) {
      try {
        await this.sample();
      } catch (err) {
        this.warningSet.add(`the final Redis sample failed: ${redactText(errorMessage(err))}`);
      }
    }
    this.stoppedAtMs = Date.now();
  }

  toReportSections(): RedisProbeSections {
    const endMs = this.stoppedAtMs ?? Date.now();
    return redisSections({
      version: this.version,
      windowMs: this.startedAtMs === null ? 0 : endMs - this.startedAtMs,
      info: this.info,
      slowlog: this.slowlog,
      monitor: this.monitor,
      connected: this.connected,
      blocked: this.blocked,
      maxUsedMemory: this.maxUsedMemory,
      warnings: [...this.warningSet],
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.ticker?.stop();
    this.ticker = null;
    // Puts notify-keyspace-events back even when stop() was never called.
    await this.endMonitor().catch(() => undefined);
    this.closed = true;
    this.redis.disconnect();
  }

  private assertOpen(): void {
    if (this.closed) throw new WorkbenchError('the Redis probe is closed');
    if (this.lost) throw new WorkbenchError(`lost the connection to Redis at ${this.target.hostPort}`);
  }

  private async sample(): Promise<void> {
    if (this.lost || this.closed) return;
    const t = Date.now();
    // Tally and send in the same tick: commands reach the server in the order they are sent.
    const own = this.own.takeBeforeInfo();
    const text = (await this.redis.call('info', 'all')) as string;
    const reading = parseInfo(text);
    const restarted = this.info.last !== null && reading.runId !== this.info.last.runId;
    this.version = reading.version;
    const delta = this.info.ingest(reading, t, own);
    const ownConnections = 1 + (this.monitor?.connections ?? 0);
    this.connected.record(Math.max(0, reading.connectedClients - ownConnections));
    this.blocked.record(reading.blockedClients);
    this.maxUsedMemory = Math.max(this.maxUsedMemory, reading.usedMemory);
    const slow = await this.pollSlowlog(restarted);
    if (delta === null) return;
    const lookups = delta.hits + delta.misses;
    this.hub.emit(t, {
      kind: 'info',
      interval_ms: delta.intervalMs,
      ops_per_s: delta.intervalMs <= 0 ? 0 : delta.commands / (delta.intervalMs / 1000),
      commands: delta.commands,
      hits: delta.hits,
      misses: delta.misses,
      hit_rate: lookups === 0 ? null : delta.hits / lookups,
      connected_clients: Math.max(0, reading.connectedClients - ownConnections),
      blocked_clients: reading.blockedClients,
      used_memory_bytes: reading.usedMemory,
      top_commands: [...delta.byCommand]
        .sort((a, b) => b[1].calls - a[1].calls)
        .slice(0, TOP_COMMANDS_PER_SAMPLE)
        .map(([command, c]) => ({ command, calls: c.calls, usec: c.usec })),
    });
    if (slow.length > 0) this.hub.emit(t, { kind: 'slowlog', entries: slow });
  }

  private async pollSlowlog(restarted: boolean): Promise<ReturnType<SlowlogTracker['ingest']>> {
    let raw: RawSlowlogEntry[];
    try {
      raw = (await this.send('slowlog|get', ['slowlog', 'get', String(SLOWLOG_FETCH)])) as RawSlowlogEntry[];
    } catch {
      return []; // not permitted here: check() says so
    }
    return this.slowlog.ingest(raw, restarted);
  }
}
