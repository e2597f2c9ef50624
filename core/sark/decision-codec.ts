import { SENSITIVITIES, type Sensitivity } from './dataset.js';

/**
 * A cached decision, as one short string (parsing JSON on every hit costs more than this split):
 * `allow|sensitivity|freshUntilMs|ttlS|reason`. `freshUntilMs` and `ttlS` let
 * stale-while-revalidate tell a fresh entry from one near or past its TTL without a TTL call.
 */
export interface CachedDecision {
  allow: boolean;
  reason: string;
  sensitivity: Sensitivity;
  freshUntilMs: number;
  ttlS: number;
}

const SENSITIVITY_CODE: Record<Sensitivity, string> = { public: 'p', internal: 'i', confidential: 'c', critical: 'x' };
const CODE_SENSITIVITY = new Map<string, Sensitivity>(SENSITIVITIES.map((s) => [SENSITIVITY_CODE[s], s]));

export function encodeDecision(d: CachedDecision): string {
  return `${d.allow ? 1 : 0}|${SENSITIVITY_CODE[d.sensitivity]}|${Math.round(d.freshUntilMs)}|${d.ttlS}|${d.reason}`;
}

/** null for anything that is not a well-formed entry (treated as a miss). */
export function decodeDecision(value: string): CachedDecision | null {
  const a = value.indexOf('|');
  const b = value.indexOf('|', a + 1);
  const c = value.indexOf('|', b + 1);
  const d = value.indexOf('|', c + 1);
  if (a !== 1 || b < 0 || c < 0 || d < 0) return null;
  const allow = value[0] === '1';
  const sensitivity = CODE_SENSITIVITY.get(value.slice(a + 1, b));
  const freshUntilMs = Number(value.slice(b + 1, c));
  const ttlS = Number(value.slice(c + 1, d));
  if (sensitivity === undefined || !Number.isFinite(freshUntilMs) || !Number.isFinite(ttlS)) return null;
  return { allow, sensitivity, freshUntilMs, ttlS, reason: value.slice(d + 1) };
}
