import type { CacheBackend, CacheEntryWrite } from './cache-backend.js';

/**
 * In-process TTL cache (Map + expiry), used when no Redis URL is given. Bounded: past
 * MAX_ENTRIES the oldest-written entries go first (a Map iterates in insertion order, and a
 * write re-inserts its key), so a long run cannot grow the process without limit.
 */
export const MEMORY_CACHE_MAX_ENTRIES = 500_000;

interface Entry {
  value: string;
  expiresAtMs: number;
}

export function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

export class MemoryCacheBackend implements CacheBackend {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = MEMORY_CACHE_MAX_ENTRIES) {}

  get size(): number {
    return this.entries.size;
  }

  private read(key: string, nowMs: number): string | null {
    const e = this.entries.get(key);
    if (e === undefined) return null;
    if (e.expiresAtMs <= nowMs) {
      this.entries.delete(key);
      return null;
    }
    return e.value;
  }

  private write(key: string, value: string, ttlS: number, nowMs: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAtMs: nowMs + ttlS * 1000 });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  get(key: string): Promise<string | null> {
    return Promise.resolve(this.read(key, Date.now()));
  }

  getPipelined(keys: readonly string[]): Promise<(string | null)[]> {
    const now = Date.now();
    return Promise.resolve(keys.map((k) => this.read(k, now)));
  }

  set(key: string, value: string, ttlS: number): Promise<void> {
    this.write(key, value, ttlS, Date.now());
    return Promise.resolve();
  }

  setPipelined(entries: readonly CacheEntryWrite[]): Promise<void> {
    const now = Date.now();
    for (const e of entries) this.write(e.key, e.value, e.ttlS, now);
    return Promise.resolve();
  }

  ttl(key: string): Promise<number> {
    const e = this.entries.get(key);
    const now = Date.now();
    if (e === undefined || e.expiresAtMs <= now) return Promise.resolve(-2);
    return Promise.resolve(Math.ceil((e.expiresAtMs - now) / 1000));
  }

  del(keys: readonly string[]): Promise<number> {
    let n = 0;
    for (const k of keys) if (this.entries.delete(k)) n++;
    return Promise.resolve(n);
  }

  deleteMatching(pattern: string): Promise<number> {
    const re = globToRegExp(pattern);
    const now = Date.now();
    let n = 0;
    for (const [k, e] of this.entries) {
      if (!re.test(k)) continue;
      this.entries.delete(k);
      // An expired entry is already gone as far as a reader can tell.
      if (e.expiresAtMs > now) n++;
    }
    return Promise.resolve(n);
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.entries.clear();
    return Promise.resolve();
  }
}
