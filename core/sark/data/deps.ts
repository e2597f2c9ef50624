import type pg from 'pg';
import type { DecisionCache } from '../cache/decision-cache.js';
import { postgresError } from '../errors.js';
import type { SarkInstrumentation, SpanCtx } from '../instrumentation-types.js';
import type { SarkKnobs } from '../knobs.js';

/** What the loaders need. `pool` is the (instrumented) policy pool. */
export interface DataDeps {
  pool: pg.Pool;
  cache: DecisionCache;
  knobs: SarkKnobs;
  instr: SarkInstrumentation;
  /** The span this work runs in (null outside any). Queries run under `instr.within(deps.ctx, ...)`. */
  ctx: SpanCtx;
}

/**
 * Runs fn as span `name` under deps.ctx, giving it deps whose ctx is the new span. A leaf step
 * that takes no argument (`() => cache.probe(key)`) issues nothing that needs the span, so it
 * gets no copy of deps: the copy was ~1% of the server's CPU when made for every span.
 */
export function spanWith<D extends DataDeps, T>(deps: D, name: string, fn: (d: D) => Promise<T>): Promise<T> {
  if (fn.length === 0) return deps.instr.span(deps.ctx, name, () => fn(deps));
  return deps.instr.span(deps.ctx, name, (ctx) => fn(ctx === deps.ctx ? deps : { ...deps, ctx }));
}

/**
 * `pool.query(...).catch(pgFail)`: turns an unreachable database into a 503-able error.
 * Queries are issued directly at each call site (never through a helper) so the profiler's
 * call site for an N+1 is the loop that issues it, not a shared wrapper.
 */
export function pgFail(err: unknown): never {
  throw postgresError(err);
}
