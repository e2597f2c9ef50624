/**
 * The decision cache's storage, behind one interface: Redis (ioredis) when a URL is given,
 * otherwise an in-process TTL map. Both keep the same key scheme (keys.ts) and go through the
 * same instrumented facade (decision-cache.ts), so a profile reads the same either way.
 * Backends do not record anything themselves.
 */
export interface CacheEntryWrite {
  key: string;
  value: string;
  ttlS: number;
}

export interface CacheBackend {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  /** One round trip for all keys (a Redis pipeline); results in key order. */
  getPipelined(keys: readonly string[]): Promise<(string | null)[]>;
  set(key: string, value: string, ttlS: number): Promise<void>;
  setPipelined(entries: readonly CacheEntryWrite[]): Promise<void>;
  /** Remaining TTL in seconds; -2 when the key does not exist (Redis semantics). */
  ttl(key: string): Promise<number>;
  del(keys: readonly string[]): Promise<number>;
  /** Deletes every key matching a glob (`*` only), iterating with SCAN in Redis (never KEYS). */
  deleteMatching(pattern: string): Promise<number>;
  /** Throws when the backend cannot serve (used by /health). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
