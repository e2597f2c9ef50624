import type { Sensitivity } from '../dataset.js';
import type { SarkInstrumentation } from '../instrumentation-types.js';
import type { CacheBackend, CacheEntryWrite } from './cache-backend.js';

/**
 * The instrumented facade over a cache backend: every call is timed and recorded into the
 * cache analyzer (key, operation, hit, duration, and the decision's sensitivity when known),
 * whichever backend serves it. Pipelined calls make one round trip; each key is recorded with
 * its share of that round trip, which is what the seed's "3.2 ms x N -> 4 ms" compares.
 */

export interface CacheProbe {
  key: string;
  value: string | null;
  durationMs: number;
}

export interface CacheWrite extends CacheEntryWrite {
  sensitivity?: Sensitivity;
}

/**
 * A key standing for a glob, so a pattern delete is grouped with the keys it removes:
 * `policy:server-*:user-1:*` -> `policy:server-0:user-1:0` -> pattern policy:server:*.
 */
export function representativeKey(glob: string): string {
  return glob.replace(/\*/g, '0');
}

export class DecisionCache {
  constructor(
    readonly backend: CacheBackend,
    private readonly instr: SarkInstrumentation,
  ) {}

  get kind(): 'redis' | 'memory' {
    return this.backend.kind;
  }

  /**
   * A timed GET that is not recorded yet: decision lookups are recorded once their sensitivity
   * is known. `t0`: a clock read the caller just made (its span's start), timed from there.
   */
  async probe(key: string, t0 = performance.now()): Promise<CacheProbe> {
    const value = await this.backend.get(key);
    return { key, value, durationMs: performance.now() - t0 };
  }

  async probeMany(keys: readonly string[], pipelined: boolean): Promise<CacheProbe[]> {
    if (!pipelined) {
      const out: CacheProbe[] = [];
      for (const key of keys) out.push(await this.probe(key));
      return out;
    }
    const t0 = performance.now();
    const values = await this.backend.getPipelined(keys);
    const shareMs = keys.length > 0 ? (performance.now() - t0) / keys.length : 0;
    return keys.map((key, i) => ({ key, value: values[i] ?? null, durationMs: shareMs }));
  }

  recordProbe(probe: CacheProbe, sensitivity: Sensitivity | undefined): void {
    this.instr.recordCacheOp({ key: probe.key, operation: 'get', hit: probe.value !== null, durationMs: probe.durationMs, sensitivity });
  }

  /** A recorded GET (metadata and user lookups). */
  async get(key: string): Promise<string | null> {
    const p = await this.probe(key);
    this.recordProbe(p, undefined);
    return p.value;
  }

  async getMany(keys: readonly string[], pipelined: boolean): Promise<(string | null)[]> {
    const probes = await this.probeMany(keys, pipelined);
    for (const p of probes) this.recordProbe(p, undefined);
    return probes.map((p) => p.value);
  }

  async set(entry: CacheWrite): Promise<void> {
    const t0 = performance.now();
    await this.backend.set(entry.key, entry.value, entry.ttlS);
    this.instr.recordCacheOp({ key: entry.key, operation: 'set', durationMs: performance.now() - t0, sensitivity: entry.sensitivity, ttlS: entry.ttlS });
  }

  async setMany(entries: readonly CacheWrite[], pipelined: boolean): Promise<void> {
    if (!pipelined) {
      for (const e of entries) await this.set(e);
      return;
    }
    if (entries.length === 0) return;
    const t0 = performance.now();
    await this.backend.setPipelined(entries);
    const shareMs = (performance.now() - t0) / entries.length;
    for (const e of entries) {
      this.instr.recordCacheOp({ key: e.key, operation: 'set', durationMs: shareMs, sensitivity: e.sensitivity, ttlS: e.ttlS });
    }
  }

  /** Deletes exact keys and glob patterns; returns the number of keys removed. */
  async delete(keys: readonly string[], patterns: readonly string[]): Promise<number> {
    let removed = 0;
    if (keys.length > 0) {
      const t0 = performance.now();
      removed += await this.backend.del(keys);
      const shareMs = (performance.now() - t0) / keys.length;
      for (const key of keys) this.instr.recordCacheOp({ key, operation: 'delete', durationMs: shareMs });
    }
    for (const pattern of patterns) {
      const t0 = performance.now();
      removed += await this.backend.deleteMatching(pattern);
      this.instr.recordCacheOp({ key: representativeKey(pattern), operation: 'delete', durationMs: performance.now() - t0 });
    }
    return removed;
  }

  ttl(key: string): Promise<number> {
    return this.backend.ttl(key);
  }
}
