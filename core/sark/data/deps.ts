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

const ROOT = Symbol('sark.deps-root');

/**
 * `deps` as seen from span `ctx`: a view that shares every field of the original but `ctx` (its
 * prototype is the original), instead of a copy. Spreading the ~10 fields for each span cost
 * ~9 µs per request (about 2% of the server's CPU); every view of one original has the same
 * shape, so field reads stay monomorphic. Never spread a view: use depsAt again.
 */
export function depsAt<D extends DataDeps>(deps: D, ctx: SpanCtx): D {
  if (ctx === deps.ctx) return deps;
  const root = (deps as D & { [ROOT]?: D })[ROOT] ?? deps;
  const view = Object.create(root) as D & { [ROOT]: D };
  view.ctx = ctx;
  view[ROOT] = root;
  return view;
}

/**
 * Runs fn as span `name` under deps.ctx, giving it deps whose ctx is the new span. A leaf step
 * that takes no argument (`() => cache.probe(key)`) issues nothing that needs the span, so it
 * gets no view of deps at all.
 */
export function spanWith<D extends DataDeps, T>(deps: D, name: string, fn: (d: D) => Promise<T>): Promise<T> {
  if (fn.length === 0) return deps.instr.span(deps.ctx, name, () => fn(deps));
  return deps.instr.span(deps.ctx, name, (ctx) => fn(depsAt(deps, ctx)));
}

/**
 * `pool.query(...).catch(pgFail)`: turns an unreachable database into a 503-able error.
 * Queries are issued directly at each call site (never through a helper) so the profiler's
 * call site for an N+1 is the loop that issues it, not a shared wrapper.
 */
export function pgFail(err: unknown): never {
  throw postgresError(err);
}
