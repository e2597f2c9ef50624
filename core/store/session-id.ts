import { randomBytes } from 'node:crypto';

const SESSION_ID = /^s-\d{8}-\d{6}-[0-9a-f]{4}$/;

/**
 * `s-YYYYMMDD-HHMMSS-xxxx` (UTC): sorts by creation time as text, readable in a terminal, and
 * the 4 random hex digits keep ids of sessions created in the same second apart (the repository
 * retries on the 1-in-65,536 clash).
 */
export function newSessionId(at: Date = new Date()): string {
  const iso = at.toISOString(); // 2025-01-31T12:34:56.789Z
  const date = iso.slice(0, 10).replaceAll('-', '');
  const time = iso.slice(11, 19).replaceAll(':', '');
  return `s-${date}-${time}-${randomBytes(2).toString('hex')}`;
}

export function isSessionId(value: string): boolean {
  return SESSION_ID.test(value);
}
