import { performance } from 'node:perf_hooks';
import { UsageError, errorMessage } from '../common/errors.js';
import {
  SKIP_QUERY,
  installPoolHooks,
  setPendingPoolQuery,
  takeActivePoolQuery,
  type PoolLike,
  type PoolQueryHandoff,
} from './pg-pool-hooks.js';
import type { SiteRef } from './call-site.js';
import type { IssuedQuery } from './query-stats.js';

/**
 * Patches `query` on a pg Client, or on a pg Pool and every client it hands out, so each
 * statement is recorded exactly once: `pool.query` records at issue (caller on the stack) and
 * hands its record to the `client.query` pg-pool runs for it; a `client.query` called directly
 * (on a `pool.connect()` client or a standalone Client) records itself.
 *
 * Submittables (pg-cursor, pg-query-stream) and the rare `{ callback }` config form pass
 * through unrecorded.
 */

/** Anything with a pg-style `query` method (a pg.Pool or a pg.Client). */
export interface PgQueryable {
  query: (...args: never[]) => unknown;
}

/** The part of the query profiler the patch calls. */
export interface QueryRecorder {
  begin(text: string): IssuedQuery | null;
  end(issued: IssuedQuery, error: string | null, rows: number): void;
}

type QueryFn = (this: unknown, ...args: unknown[]) => unknown;
type QueryCallback = (err: unknown, res?: unknown) => void;

interface ClientLike {
  query: QueryFn;
  _Promise?: PromiseConstructor;
}

const PATCHED = Symbol.for('sark-workbench.pg-query-patched');

class PoolQueryRecord implements PoolQueryHandoff {
  constructor(
    readonly owner: QueryRecorder,
    readonly issued: IssuedQuery,
  ) {}
  onConnectError(err: unknown): void {
    this.owner.end(this.issued, errorMessage(err), 0);
  }
  site(): SiteRef {
    const { issued } = this;
    if (issued.site !== null) return issued.site;
    const entry = issued.entry;
    return entry.callSite !== undefined ? entry.callSite : entry.site;
  }
}

/** The statement text of a query config, or undefined for submittables and odd inputs. */
function statementText(config: unknown): string | undefined {
  if (typeof config === 'string') return config;
  if (config !== null && typeof config === 'object') {
    const c = config as { text?: unknown; submit?: unknown; callback?: unknown };
    if (typeof c.submit === 'function' || typeof c.callback === 'function') return undefined;
    if (typeof c.text === 'string') return c.text;
  }
  return undefined;
}

function rowsOf(res: unknown): number {
  if (res === null || typeof res !== 'object') return 0;
  if (Array.isArray(res)) {
    let n = 0;
    for (const r of res) n += rowsOf(r);
    return n;
  }
  const r = res as { rowCount?: number | null; rows?: unknown[] };
  if (typeof r.rowCount === 'number') return r.rowCount;
  return Array.isArray(r.rows) ? r.rows.length : 0;
}

interface PoolEvents {
  on(event: 'connect', listener: (client: object) => void): unknown;
}

function isPool(x: object): x is PoolLike & PgQueryable & PoolEvents {
  const p = x as { connect?: unknown; on?: unknown; totalCount?: unknown; idleCount?: unknown };
  return typeof p.connect === 'function' && typeof p.on === 'function' && typeof p.totalCount === 'number' && typeof p.idleCount === 'number';
}

export function patchClient(client: ClientLike, recorder: QueryRecorder): void {
  if ((client as unknown as Record<symbol, unknown>)[PATCHED] !== undefined) return;
  Object.defineProperty(client, PATCHED, { value: recorder, enumerable: false });
  const original = client.query;
  client.query = function query(this: unknown, ...args: unknown[]): unknown {
    const active = takeActivePoolQuery();
    let issued: IssuedQuery | null;
    if (active !== null) {
      issued = active instanceof PoolQueryRecord && active.owner === recorder ? active.issued : null;
      // Time the execution, not the wait for a pooled client (the pool monitor shows that).
      if (issued !== null) issued.startMs = performance.now();
    } else {
      const text = statementText(args[0]);
      issued = text === undefined ? null : recorder.begin(text);
    }
    if (issued === null) return original.apply(this, args);
    const done = issued;
    let cbIndex = -1;
    if (typeof args[2] === 'function') cbIndex = 2;
    else if (typeof args[1] === 'function') cbIndex = 1;
    try {
      if (cbIndex >= 0) {
        const userCb = args[cbIndex] as QueryCallback;
        args[cbIndex] = (err: unknown, res?: unknown) => {
          recorder.end(done, err ? errorMessage(err) : null, err ? 0 : rowsOf(res));
          userCb(err, res);
        };
        return original.apply(this, args);
      }
      // Promise form, built as pg builds it, over the callback form so completion is seen
      // without an extra promise hop.
      const PromiseCtor = (this as ClientLike)._Promise ?? Promise;
      let threw = false;
      let thrown: unknown;
      const promise = new PromiseCtor((resolve, reject) => {
        try {
          original.call(this, args[0], args[1], (err: unknown, res?: unknown) => {
            recorder.end(done, err ? errorMessage(err) : null, err ? 0 : rowsOf(res));
            if (err) reject(err);
            else resolve(res);
          });
        } catch (err) {
          threw = true;
          thrown = err;
        }
      });
      // pg throws bad input (a null query) synchronously, in the promise form too: keep that.
      if (threw) throw thrown;
      return promise.catch((err: unknown) => {
        // As pg does: a stack that leads back to the application rather than the socket.
        if (err instanceof Error) Error.captureStackTrace(err);
        throw err;
      });
    } catch (err) {
      // Synchronous throws (null query, bad callback) are still errors of this query.
      recorder.end(done, errorMessage(err), 0);
      throw err;
    }
  };
}

function patchPool(pool: PoolLike & PgQueryable & PoolEvents, recorder: QueryRecorder): void {
  if ((pool as unknown as Record<symbol, unknown>)[PATCHED] !== undefined) return;
  Object.defineProperty(pool, PATCHED, { value: recorder, enumerable: false });
  // Every client the pool hands out (to pool.query or to pool.connect()) is patched: new ones
  // on the pool's 'connect' event (emitted before the client is handed out), the ones that
  // exist already now. Installing the connect wrapper carries pool.query's hand-off.
  installPoolHooks(pool);
  pool.on('connect', (client: object) => patchClient(client as ClientLike, recorder));
  const existing = (pool as unknown as { _clients?: unknown })._clients;
  if (Array.isArray(existing)) for (const client of existing) patchClient(client as ClientLike, recorder);
  const original = (pool as unknown as ClientLike).query;
  (pool as unknown as ClientLike).query = function query(this: unknown, ...args: unknown[]): unknown {
    const text = statementText(args[0]);
    const issued = text === undefined ? null : recorder.begin(text);
    setPendingPoolQuery(issued === null ? SKIP_QUERY : new PoolQueryRecord(recorder, issued));
    try {
      return original.apply(this, args);
    } finally {
      setPendingPoolQuery(null);
    }
  };
}

/** Instruments a pg Pool or Client for `recorder`; returns the same object. */
export function instrumentPg<T extends PgQueryable>(target: T, recorder: QueryRecorder): T {
  if (target === null || typeof target !== 'object' || typeof (target as { query?: unknown }).query !== 'function') {
    throw new UsageError('instrument() expects a pg Pool or Client (an object with a query method)');
  }
  const owner = (target as unknown as Record<symbol, unknown>)[PATCHED];
  if (owner !== undefined && owner !== recorder) {
    throw new UsageError('this pg Pool or Client is already instrumented by another QueryProfiler');
  }
  if (isPool(target)) patchPool(target, recorder);
  else patchClient(target as unknown as ClientLike, recorder);
  return target;
}
