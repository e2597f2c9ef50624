import { AsyncResource } from 'node:async_hooks';
import { captureStack, type SiteRef } from './call-site.js';

/**
 * One wrapper around a pg Pool's `connect`, shared by the query profiler (which must patch
 * each client before it is used and carry a `pool.query` over to the `client.query` it turns
 * into) and the pool monitor (which times checkouts and remembers who acquired each client).
 *
 * Why a hand-off: `pool.query` runs `this.connect(cb)` synchronously, and pg-pool calls `cb`
 * later, from whichever context released a client (AsyncLocalStorage is lost when the pool is
 * contended), where `client.query` runs synchronously. The caller's stack and trace exist only
 * at `pool.query` time, so the query profiler records the issue there and passes it through
 * these two synchronous windows.
 */

export interface CheckoutListener {
  /** Asked at each checkout the query profiler has no site for: capture the acquiring call site? */
  wantsSite?(): boolean;
  onCheckout(client: object, site: SiteRef): void;
}

/** What a pool.query hands to the client.query it becomes (or SKIP_QUERY: do not record). */
export interface PoolQueryHandoff {
  readonly owner: object;
  onConnectError(err: unknown): void;
  /**
   * Where the statement was issued, if the query profiler has it (the text's first issue): a
   * `pool.query` checkout is attributed to it without a stack walk (~30 µs under load).
   */
  site(): SiteRef;
}

export const SKIP_QUERY: PoolQueryHandoff = { owner: {}, onConnectError: () => undefined, site: () => null };

type ConnectCallback = (err: unknown, client?: object, release?: unknown) => void;
type ConnectFn = (this: PoolLike, cb?: ConnectCallback) => unknown;

export interface PoolLike {
  connect: ConnectFn;
  Promise?: PromiseConstructor;
  totalCount?: number;
  idleCount?: number;
  waitingCount?: number;
  options?: { max?: number };
}

/**
 * True when pg-pool serves a checkout from the caller's own async context: nobody is waiting
 * and a client is idle (handed out on a nextTick the caller scheduled) or can be opened (its
 * socket's callbacks run in the context that opened it). Otherwise the request waits in the
 * pool's queue and is served from whichever context releases a client.
 */
function servedInCallersContext(pool: PoolLike): boolean {
  const { totalCount, idleCount, waitingCount } = pool;
  if (typeof totalCount !== 'number' || typeof idleCount !== 'number' || waitingCount !== 0) return false;
  return idleCount > 0 || totalCount < poolMax(pool);
}

/** The most clients a pg Pool may open (pg-pool's default is 10). */
export function poolMax(pool: PoolLike): number {
  return pool.options?.max ?? 10;
}

interface PoolHooks {
  listeners: CheckoutListener[];
}

function wantsSite(hooks: PoolHooks): boolean {
  for (const l of hooks.listeners) if (l.wantsSite?.() === true) return true;
  return false;
}

const HOOKS = Symbol.for('sark-workbench.pg-pool-hooks');

let pendingPoolQuery: PoolQueryHandoff | null = null;
let activePoolQuery: PoolQueryHandoff | null = null;

/** Set by the pool.query wrapper around its call of the original pool.query. */
export function setPendingPoolQuery(handoff: PoolQueryHandoff | null): void {
  pendingPoolQuery = handoff;
}

/** Read once by the client.query wrapper: the pool.query it belongs to, if any. */
export function takeActivePoolQuery(): PoolQueryHandoff | null {
  const h = activePoolQuery;
  activePoolQuery = null;
  return h;
}

function notify(hooks: PoolHooks, client: object, site: SiteRef): void {
  for (const l of hooks.listeners) l.onCheckout(client, site);
}

function install(pool: PoolLike): PoolHooks {
  const hooks: PoolHooks = { listeners: [] };
  const original = pool.connect;
  pool.connect = function connect(this: PoolLike, cb?: ConnectCallback): unknown {
    const handoff = pendingPoolQuery;
    pendingPoolQuery = null;
    // The statement's site when pool.query has one; else a stack captured while the acquirer is
    // on it (within the listeners' budget), formatted only if the hold turns out long.
    let site = handoff === null ? null : handoff.site();
    if (site === null && wantsSite(hooks)) site = captureStack();
    if (typeof cb === 'function') {
      // A queued checkout's callback runs later from another context: bind it to the caller's.
      // Only then: a bound function per checkout (an AsyncResource and redefined properties)
      // made a monitored pool's server spend 10% more CPU per request when done every time.
      const callback = handoff === null && !servedInCallersContext(this) ? AsyncResource.bind(cb) : cb;
      return original.call(this, (err: unknown, client?: object, release?: unknown) => {
        if (!err && client !== undefined) notify(hooks, client, site);
        if (handoff === null) return callback(err, client, release);
        if (err) handoff.onConnectError(err);
        activePoolQuery = handoff;
        try {
          return callback(err, client, release);
        } finally {
          activePoolQuery = null;
        }
      });
    }
    if (hooks.listeners.length === 0) return original.call(this);
    // Promise form: go through the callback form so the listeners see the client.
    const PromiseCtor = this.Promise ?? Promise;
    return new PromiseCtor((resolve, reject) => {
      original.call(this, (err: unknown, client?: object) => {
        if (err || client === undefined) return reject(err);
        notify(hooks, client, site);
        resolve(client);
      });
    });
  };
  Object.defineProperty(pool, HOOKS, { value: hooks, enumerable: false });
  return hooks;
}

/** Installs the connect wrapper on a pg Pool once (what pool.query's hand-off needs). */
export function installPoolHooks(pool: PoolLike): void {
  if ((pool as unknown as Record<symbol, PoolHooks | undefined>)[HOOKS] === undefined) install(pool);
}

/** Registers a checkout listener on a pg Pool (installing the connect wrapper once). */
export function addCheckoutListener(pool: PoolLike, listener: CheckoutListener): void {
  const hooks = (pool as unknown as Record<symbol, PoolHooks | undefined>)[HOOKS] ?? install(pool);
  if (!hooks.listeners.includes(listener)) hooks.listeners.push(listener);
}

export function removeCheckoutListener(pool: PoolLike, listener: CheckoutListener): void {
  const hooks = (pool as unknown as Record<symbol, PoolHooks | undefined>)[HOOKS];
  if (hooks === undefined) return;
  hooks.listeners = hooks.listeners.filter((l) => l !== listener);
}
