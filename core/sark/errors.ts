import { WorkbenchError, errorMessage } from '../common/errors.js';
import { redactText } from '../common/redact.js';

/**
 * Postgres or Redis cannot serve right now: the HTTP layer answers 503 with this message, and
 * the next request tries again (pools and ioredis reconnect by themselves).
 */
export class DependencyUnavailableError extends WorkbenchError {
  readonly dependency: 'postgres' | 'redis';
  constructor(dependency: 'postgres' | 'redis', cause: unknown) {
    super(`${dependency} unavailable: ${redactText(errorMessage(cause))}`, 1, { cause });
    this.name = 'DependencyUnavailableError';
    this.dependency = dependency;
  }
}

/**
 * SQLSTATE classes that mean "the database is not reachable or not accepting work", as opposed
 * to a bug in a statement: 08 connection exception, 57P0x shutdown / cannot connect now,
 * 53300 too many connections (PostgreSQL appendix A).
 */
const UNAVAILABLE_SQLSTATE = /^(08|57P0|53300)/;

/** True for network errors (no SQLSTATE) and for the SQLSTATEs above. */
export function isPostgresUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return UNAVAILABLE_SQLSTATE.test(code);
  return true;
}

/** Wraps a Postgres failure: unavailability becomes a DependencyUnavailableError, bugs stay as they are. */
export function postgresError(err: unknown): Error {
  if (err instanceof DependencyUnavailableError) return err;
  if (isPostgresUnavailable(err)) return new DependencyUnavailableError('postgres', err);
  return err instanceof Error ? err : new Error(String(err));
}
