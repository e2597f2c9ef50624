import type pg from 'pg';
import type { DecisionCache } from '../cache/decision-cache.js';
import { postgresError } from '../errors.js';
import type { SarkInstrumentation } from '../instrumentation-types.js';
import type { SarkKnobs } from '../knobs.js';

/** What the loaders need. `pool` is the (instrumented) policy pool. */
export interface DataDeps {
  pool: pg.Pool;
  cache: DecisionCache;
  knobs: SarkKnobs;
  instr: SarkInstrumentation;
}

/**
 * `pool.query(...).catch(pgFail)`: turns an unreachable database into a 503-able error.
 * Queries are issued directly at each call site (never through a helper) so the profiler's
 * call site for an N+1 is the loop that issues it, not a shared wrapper.
 */
export function pgFail(err: unknown): never {
  throw postgresError(err);
}
