import type { Redis } from 'ioredis';

/**
 * The probe connection's `ip:port` as the server sees it (how MONITOR names the source), or ''
 * when this user may not run CLIENT INFO / CLIENT LIST: then the probe's INFO and SLOWLOG calls
 * count among the MONITOR commands seen (never in a key pattern: they have no keys).
 */
export async function ownAddress(redis: Redis): Promise<string> {
  let line: string;
  try {
    line = (await redis.call('client', 'info')) as string;
  } catch {
    try {
      // CLIENT INFO is Redis >= 6.2; CLIENT LIST ID works from 5.0.
      const id = String(await redis.call('client', 'id'));
      line = (await redis.call('client', 'list', 'id', id)) as string;
    } catch {
      return '';
    }
  }
  const m = /(?:^|\s)addr=(\S+)/.exec(line);
  return m?.[1] ?? '';
}
