import { performance } from 'node:perf_hooks';

/**
 * Bounded containers: a profiler embedded in a long-running service must not grow without
 * limit, whatever the traffic (unique statements, unique keys, endless slow queries).
 */

/**
 * Inserts into a Map used as a cache, evicting the oldest insertion when it is full (Map keeps
 * insertion order, so this is O(1) FIFO eviction; good enough for caches whose hot keys are
 * re-inserted soon after eviction).
 */
export function setEvictingOldest<K, V>(map: Map<K, V>, key: K, value: V, capacity: number): void {
  if (map.size >= capacity && !map.has(key)) {
    const oldest = map.keys().next();
    if (oldest.done !== true) map.delete(oldest.value);
  }
  map.set(key, value);
}

/** Keeps the `capacity` items with the largest `score`, sorted descending. */
export class TopN<T> {
  private items: T[] = [];
  /** Every item offered, kept or not. */
  offered = 0;

  constructor(
    private capacity: number,
    private readonly score: (item: T) => number,
  ) {}

  /** True when an item with this score would be kept (lets callers skip building it). */
  accepts(score: number): boolean {
    if (this.items.length < this.capacity) return true;
    const last = this.items[this.items.length - 1];
    return last !== undefined && score > this.score(last);
  }

  offer(item: T): void {
    this.offered++;
    const s = this.score(item);
    if (!this.accepts(s)) return;
    // Binary search for the insertion point in the descending list.
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.score(this.items[mid] as T) >= s) lo = mid + 1;
      else hi = mid;
    }
    this.items.splice(lo, 0, item);
    if (this.items.length > this.capacity) this.items.pop();
  }

  setCapacity(capacity: number): void {
    this.capacity = capacity;
    if (this.items.length > capacity) this.items.length = capacity;
  }

  /** The kept items, largest first. */
  list(limit = this.capacity): T[] {
    return this.items.slice(0, Math.max(0, limit));
  }

  get size(): number {
    return this.items.length;
  }

  clear(): void {
    this.items = [];
    this.offered = 0;
  }
}

/** Exact distribution of small non-negative integers (pool counts): min/max/avg/p95/p99. */
export class IntDistribution {
  private counts: number[] = [];
  private n = 0;
  private sum = 0;
  private minV = Infinity;
  private maxV = -Infinity;

  record(value: number): void {
    const v = value > 0 ? Math.round(value) : 0;
    this.counts[v] = (this.counts[v] ?? 0) + 1;
    this.n++;
    this.sum += v;
    if (v < this.minV) this.minV = v;
    if (v > this.maxV) this.maxV = v;
  }

  get count(): number {
    return this.n;
  }

  /** Nearest-rank percentile (p in 0..100); 0 when empty. */
  percentile(p: number): number {
    if (this.n === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.n));
    let seen = 0;
    for (let v = 0; v < this.counts.length; v++) {
      seen += this.counts[v] ?? 0;
      if (seen >= rank) return v;
    }
    return this.maxV;
  }

  stats(): { min: number; max: number; avg: number; p95: number; p99: number } {
    if (this.n === 0) return { min: 0, max: 0, avg: 0, p95: 0, p99: 0 };
    return { min: this.minV, max: this.maxV, avg: this.sum / this.n, p95: this.percentile(95), p99: this.percentile(99) };
  }

  reset(): void {
    this.counts = [];
    this.n = 0;
    this.sum = 0;
    this.minV = Infinity;
    this.maxV = -Infinity;
  }
}

/**
 * At most `ratePerS` takes per second on average, `burst` at once. Used to bound what stack
 * captures (~3-8 µs each on a busy 2-core machine, more with deep async stacks) can cost.
 */
export class TokenBucket {
  private tokens: number;
  private lastMs = performance.now();

  constructor(
    private readonly ratePerS: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  take(): boolean {
    if (this.tokens < 1) {
      const now = performance.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.lastMs) * this.ratePerS) / 1000);
      this.lastMs = now;
      if (this.tokens < 1) return false;
    }
    this.tokens--;
    return true;
  }
}
