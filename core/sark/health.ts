import { errorMessage } from '../common/errors.js';
import { redactText } from '../common/redact.js';
import type { CacheBackend } from './cache/cache-backend.js';
import type { AuditLog } from './data/audit-log.js';
import type { SarkInstrumentation } from './instrumentation-types.js';
import type { SarkProfileName } from './knobs.js';
import type { Storage } from './storage/storage.js';

/** GET /health: 200 when Postgres and the cache answer within a second, else 503 saying which does not. */
const HEALTH_TIMEOUT_MS = 1000;

async function probe(fn: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${HEALTH_TIMEOUT_MS} ms`)), HEALTH_TIMEOUT_MS);
      }),
    ]);
    return 'up';
  } catch (err) {
    return `down: ${redactText(errorMessage(err))}`;
  } finally {
    clearTimeout(timer);
  }
}

export interface HealthSources {
  storage: Storage;
  backend: CacheBackend;
  audit: AuditLog;
  instr: SarkInstrumentation;
  profile: SarkProfileName;
  startedAtMs: number;
}

export async function sarkHealth(s: HealthSources): Promise<{ ok: boolean; body: unknown }> {
  // `SELECT 1` is excluded from query profiles by default, so health checks never show up in one.
  const [postgres, cache] = await Promise.all([probe(() => s.storage.policyPool.query('SELECT 1')), probe(() => s.backend.ping())]);
  const ok = postgres === 'up' && cache === 'up';
  return {
    ok,
    body: {
      status: ok ? 'ok' : 'degraded',
      postgres: { status: postgres, storage: s.storage.kind },
      cache: { status: cache, kind: s.backend.kind },
      audit: s.audit.getStats(),
      profile: s.profile,
      profiling: s.instr.enabled,
      uptime_s: Math.round((Date.now() - s.startedAtMs) / 1000),
    },
  };
}
