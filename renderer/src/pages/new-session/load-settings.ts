import type { LoadSettings } from '../../../../core/api/types.js';

/**
 * The load profile form's state (strings, as typed) and its conversion to the API's
 * LoadSettings. Ranges mirror core/api/types.ts loadSchema so mistakes are caught before Start.
 */

export const MIX_KINDS = ['cached', 'unique', 'critical', 'server'] as const;
export type MixKind = (typeof MIX_KINDS)[number];

export const MIX_HELP: Record<MixKind, string> = {
  cached: 'repeat decisions (cache hits)',
  unique: 'first-time decisions (misses)',
  critical: 'critical-sensitivity tools (short TTL)',
  server: 'server-level operations',
};

export interface LoadForm {
  users: string;
  rampUpS: string;
  durationS: string;
  rate: string;
  mix: Record<MixKind, string>;
}

/** The seed report's traffic mix: 50% cached, 30% unique, 15% critical, 5% server operations. */
export const DEFAULT_LOAD: LoadForm = {
  users: '20',
  rampUpS: '2',
  durationS: '30',
  rate: '',
  mix: { cached: '50', unique: '30', critical: '15', server: '5' },
};

export type LoadErrors = Partial<Record<'users' | 'rampUpS' | 'durationS' | 'rate' | 'mix', string>>;

function num(v: string): number | null {
  if (v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : NaN;
}

export function validateLoad(f: LoadForm): { load: LoadSettings | null; errors: LoadErrors } {
  const errors: LoadErrors = {};
  const users = num(f.users);
  if (users === null || !Number.isInteger(users) || users < 1 || users > 10_000) errors.users = 'Users: a whole number from 1 to 10,000.';
  const ramp = num(f.rampUpS);
  if (ramp !== null && (Number.isNaN(ramp) || ramp < 0 || ramp > 3600)) errors.rampUpS = 'Ramp-up: 0 to 3,600 seconds.';
  const duration = num(f.durationS);
  if (duration === null || Number.isNaN(duration) || duration <= 0 || duration > 86_400) errors.durationS = 'Duration: more than 0, at most 86,400 seconds.';
  const rate = num(f.rate);
  if (rate !== null && (Number.isNaN(rate) || rate <= 0 || rate > 1_000_000)) errors.rate = 'Rate: empty (as fast as the users go) or 1 to 1,000,000 req/s.';
  const parts: string[] = [];
  let total = 0;
  for (const k of MIX_KINDS) {
    const v = num(f.mix[k]) ?? 0;
    if (Number.isNaN(v) || v < 0) {
      errors.mix = `Mix: "${k}" must be a number ≥ 0.`;
      break;
    }
    total += v;
    if (v > 0) parts.push(`${k}=${v}`);
  }
  if (!errors.mix && total <= 0) errors.mix = 'Mix: at least one kind of request needs a share above 0.';
  if (Object.keys(errors).length > 0) return { load: null, errors };
  const load: LoadSettings = { users: users as number, durationS: duration as number, mix: parts.join(',') };
  if (ramp !== null) load.rampUpS = ramp;
  if (rate !== null) load.rate = rate;
  return { load, errors };
}

/** Planned seconds (what the progress bar fills against before the backend says). */
export function plannedSeconds(l: LoadSettings): number {
  return (l.rampUpS ?? 0) + (l.durationS ?? 0);
}
