import { Redis } from 'ioredis';
import { WorkbenchError, errorMessage } from '../../common/errors.js';
import { redactText } from '../../common/redact.js';
import { DependencyUnavailableError } from '../errors.js';
import type { CacheBackend, CacheEntryWrite } from './cache-backend.js';

/**
 * Redis backend. Tuned to fail fast instead of hanging: no offline queue (a command issued while
 * disconnected fails at once), one retry per command, short connect and command timeouts; the
 * client keeps reconnecting in the background, so the server recovers by itself when Redis
 * returns. The seed's client used 5 s socket timeouts; an authorization hot path cannot wait
 * that long, so 1 s.
 */
const CONNECT_TIMEOUT_MS = 2000;
const COMMAND_TIMEOUT_MS = 1000;
const RECONNECT_MAX_DELAY_MS = 1000;
/** Keys per SCAN step and per UNLINK when invalidating by pattern. */
const SCAN_COUNT = 1000;

export class RedisCacheBackend implements CacheBackend {
  readonly kind = 'redis' as const;

  private constructor(private readonly redis: Redis) {}

  static async connect(url: string): Promise<RedisCacheBackend> {
    const redis = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: CONNECT_TIMEOUT_MS,
      commandTimeout: COMMAND_TIMEOUT_MS,
      retryStrategy: (times: number) => Math.min(times * 100, RECONNECT_MAX_DELAY_MS),
      // No auto-pipelining: it batches the commands of one tick into one write, but its
      // machinery (a Pipeline per tick, a nextTick, per-slot queues) cost more than the writes
      // it saved. Off, the optimized server served 4.3% more requests (median of 8 rounds, both
      // variants loaded at once, every round in favour). Batch evaluation still pipelines
      // explicitly (redisPipelining).
      enableAutoPipelining: false,
    });
    // ioredis emits 'error' on every failed reconnect; the failures surface per command instead.
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      await redis.ping();
    } catch (err) {
      redis.disconnect();
      throw new WorkbenchError(`cannot connect to Redis at ${redactText(url)}: ${errorMessage(err)}`);
    }
    return new RedisCacheBackend(redis);
  }

  /** True while the socket is corked until the end of this event-loop turn (see cork()). */
  private corked = false;

  /**
   * Holds this turn's commands in the socket and sends them in one write when the poll phase
   * ends (setImmediate): the commands of every request handled in one turn of the event loop
   * (and the concurrent GETs of one miss) share a write. On this VM a loopback write costs
   * ~20 µs, the biggest single item of the server's CPU profile (writeUtf8String, ~20%). Corked,
   * the optimized server served 13% more requests with 18% less CPU per request (12 of 12
   * rounds, corked and uncorked servers loaded at once). ioredis's own auto-pipelining does
   * this per tick with more machinery and cost more than it saved (see connect()).
   */
  private cork(): void {
    if (this.corked) return;
    const stream = (this.redis as unknown as { stream?: { cork?: () => void; uncork?: () => void } }).stream;
    if (stream === undefined || typeof stream.cork !== 'function' || typeof stream.uncork !== 'function') return;
    stream.cork();
    this.corked = true;
    setImmediate(() => {
      this.corked = false;
      stream.uncork?.();
    });
  }

  private async call<T>(op: () => Promise<T>): Promise<T> {
    this.cork();
    try {
      return await op();
    } catch (err) {
      throw new DependencyUnavailableError('redis', err);
    }
  }

  get(key: string): Promise<string | null> {
    return this.call(() => this.redis.get(key));
  }

  getPipelined(keys: readonly string[]): Promise<(string | null)[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return this.call(async () => {
      const p = this.redis.pipeline();
      for (const k of keys) p.get(k);
      const results = (await p.exec()) ?? [];
      return results.map(([err, value]) => {
        if (err) throw err;
        return (value as string | null) ?? null;
      });
    });
  }

  set(key: string, value: string, ttlS: number): Promise<void> {
    return this.call(async () => {
      await this.redis.set(key, value, 'EX', ttlS);
    });
  }

  setPipelined(entries: readonly CacheEntryWrite[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    return this.call(async () => {
      const p = this.redis.pipeline();
      for (const e of entries) p.set(e.key, e.value, 'EX', e.ttlS);
      for (const [err] of (await p.exec()) ?? []) if (err) throw err;
    });
  }

  ttl(key: string): Promise<number> {
    return this.call(() => this.redis.ttl(key));
  }

  del(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return Promise.resolve(0);
    return this.call(() => this.redis.unlink(...keys));
  }

  deleteMatching(pattern: string): Promise<number> {
    return this.call(async () => {
      let removed = 0;
      let cursor = '0';
      do {
        const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
        cursor = next;
        if (keys.length > 0) removed += await this.redis.unlink(...keys);
      } while (cursor !== '0');
      return removed;
    });
  }

  async ping(): Promise<void> {
    await this.call(() => this.redis.ping());
  }

  async close(): Promise<void> {
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  /** The client, for callers that instrument it. */
  get client(): Redis {
    return this.redis;
  }
}
