import { UsageError } from '../common/errors.js';
import { REQUEST_KINDS, type RequestKind } from './types.js';

/** Relative weights of each request kind; they need not sum to 100 (they are normalised). */
export type TrafficMix = Record<RequestKind, number>;

/**
 * The seed's Locust mix: 50% cached, 30% unique, 15% critical, 5% server operations
 * (seed report, "Profiling Environment").
 */
export const DEFAULT_MIX: Readonly<TrafficMix> = Object.freeze({ cached: 50, unique: 30, critical: 15, server: 5 });

function isKind(name: string): name is RequestKind {
  return (REQUEST_KINDS as readonly string[]).includes(name);
}

/**
 * Parses the CLI form `cached=50,unique=30,critical=15,server=5`. Kinds left out weigh 0.
 * Every mistake names the offending part, e.g. `--mix: unknown kind 'cache' in 'cache=50'
 * (kinds: cached, unique, critical, server)`.
 */
export function parseMix(text: string, label = '--mix'): TrafficMix {
  const mix: TrafficMix = { cached: 0, unique: 0, critical: 0, server: 0 };
  const seen = new Set<string>();
  const parts = text.split(',').map((p) => p.trim());
  if (text.trim() === '') throw new UsageError(`${label}: empty (expected e.g. ${formatMix(DEFAULT_MIX)})`);
  for (const part of parts) {
    if (part === '') throw new UsageError(`${label}: empty entry in '${text}'`);
    const eq = part.indexOf('=');
    if (eq <= 0) throw new UsageError(`${label}: '${part}' is not kind=weight (expected e.g. ${formatMix(DEFAULT_MIX)})`);
    const name = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    if (!isKind(name)) {
      throw new UsageError(`${label}: unknown kind '${name}' in '${part}' (kinds: ${REQUEST_KINDS.join(', ')})`);
    }
    if (seen.has(name)) throw new UsageError(`${label}: kind '${name}' given twice`);
    seen.add(name);
    const weight = raw === '' ? NaN : Number(raw);
    if (!Number.isFinite(weight) || weight < 0) {
      throw new UsageError(`${label}: weight of '${name}' must be a non-negative number, got '${raw}'`);
    }
    mix[name] = weight;
  }
  validateMix(mix, label);
  return mix;
}

/** Throws a UsageError unless every weight is a finite number >= 0 and at least one is > 0. */
export function validateMix(mix: TrafficMix, label = 'mix'): void {
  let sum = 0;
  for (const kind of REQUEST_KINDS) {
    const w = mix[kind];
    if (!Number.isFinite(w) || w < 0) throw new UsageError(`${label}: weight of '${kind}' must be a non-negative number`);
    sum += w;
  }
  if (sum <= 0) throw new UsageError(`${label}: at least one kind needs a weight above 0`);
}

export function formatMix(mix: Readonly<TrafficMix>): string {
  return REQUEST_KINDS.map((k) => `${k}=${mix[k]}`).join(',');
}

/**
 * Picks a kind from a uniform number in [0, 1) with precomputed cumulative fractions: four
 * comparisons, no allocation.
 */
export class KindPicker {
  private readonly cumulative: Float64Array;

  constructor(mix: Readonly<TrafficMix>) {
    validateMix(mix as TrafficMix);
    let sum = 0;
    for (const k of REQUEST_KINDS) sum += mix[k];
    this.cumulative = new Float64Array(REQUEST_KINDS.length);
    let acc = 0;
    REQUEST_KINDS.forEach((k, i) => {
      acc += mix[k] / sum;
      this.cumulative[i] = acc;
    });
  }

  pick(u: number): RequestKind {
    const c = this.cumulative;
    for (let i = 0; i < c.length - 1; i++) {
      // A kind of weight 0 has a zero-width interval and is never chosen.
      if (u < (c[i] as number)) return REQUEST_KINDS[i] as RequestKind;
    }
    // The last kind with a non-zero weight takes the remainder (guards float rounding at 1.0).
    for (let i = c.length - 1; i > 0; i--) {
      if ((c[i] as number) > (c[i - 1] as number)) return REQUEST_KINDS[i] as RequestKind;
    }
    return REQUEST_KINDS[0];
  }
}
