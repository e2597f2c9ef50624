import type { Sensitivity } from '../dataset.js';

/**
 * Decision TTLs. Base TTL by sensitivity (the seed's CACHE_TTL_BY_SENSITIVITY): public 300 s,
 * internal 120 s, confidential 60 s, critical = the criticalTtlS knob (30 s baseline, 60 s
 * optimized).
 *
 * Adaptive TTL (seed, cache recommendation 4): scale by how often the key was asked for in the
 * last hour (> 100: x2, > 50: x1.5, > 10: x1, else x0.75), never above the sensitivity's cap.
 * Confidential and critical are never extended: a revoked permission must not outlive its
 * base TTL there (the seed's "verify security policy allows" caveat).
 */
export const BASE_TTL_S: Record<Exclude<Sensitivity, 'critical'>, number> = { public: 300, internal: 120, confidential: 60 };
export const ADAPTIVE_MAX_TTL_S: Record<Exclude<Sensitivity, 'critical'>, number> = { public: 600, internal: 240, confidential: 60 };

const ADAPTIVE_STEPS: readonly { minAccesses: number; multiplier: number }[] = [
  { minAccesses: 101, multiplier: 2 },
  { minAccesses: 51, multiplier: 1.5 },
  { minAccesses: 11, multiplier: 1 },
  { minAccesses: 0, multiplier: 0.75 },
];

/** Access counting window: the seed counts accesses "in the last hour"; two half-hour buckets approximate it. */
const HALF_WINDOW_MS = 30 * 60_000;
/** Bound on counted keys: past it the older bucket is dropped early (counts err low, TTLs shorter: the safe side). */
const MAX_COUNTED_KEYS = 200_000;

export function baseTtlS(sensitivity: Sensitivity, criticalTtlS: number): number {
  return sensitivity === 'critical' ? criticalTtlS : BASE_TTL_S[sensitivity];
}

export function adaptiveMultiplier(accesses: number): number {
  for (const step of ADAPTIVE_STEPS) if (accesses >= step.minAccesses) return step.multiplier;
  return 1;
}

export class AccessCounter {
  private current = new Map<string, number>();
  private previous = new Map<string, number>();
  private rotatedAtMs = Date.now();

  private rotateIfDue(nowMs: number): void {
    if (nowMs - this.rotatedAtMs < HALF_WINDOW_MS && this.current.size < MAX_COUNTED_KEYS) return;
    this.previous = this.current;
    this.current = new Map();
    this.rotatedAtMs = nowMs;
  }

  hit(key: string, nowMs = Date.now()): void {
    this.rotateIfDue(nowMs);
    this.current.set(key, (this.current.get(key) ?? 0) + 1);
  }

  count(key: string): number {
    return (this.current.get(key) ?? 0) + (this.previous.get(key) ?? 0);
  }
}

export class TtlPolicy {
  private readonly counter = new AccessCounter();

  constructor(
    private readonly criticalTtlS: number,
    private readonly adaptive: boolean,
  ) {}

  /** Called on every lookup of a decision key (only counted when adaptive TTL is on). */
  noteAccess(key: string): void {
    if (this.adaptive) this.counter.hit(key);
  }

  ttlFor(key: string, sensitivity: Sensitivity): number {
    const base = baseTtlS(sensitivity, this.criticalTtlS);
    if (!this.adaptive || sensitivity === 'critical') return base;
    const scaled = Math.round(base * adaptiveMultiplier(this.counter.count(key)));
    return Math.max(1, Math.min(scaled, ADAPTIVE_MAX_TTL_S[sensitivity]));
  }
}
