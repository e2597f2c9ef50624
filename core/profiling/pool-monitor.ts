import { performance } from 'node:perf_hooks';
import { UsageError } from '../common/errors.js';
import { TokenBucket, TopN } from './bounded.js';
import { callSiteOf, type SiteRef } from './call-site.js';
import { LatencyHistogram } from './histogram.js';
import { addCheckoutListener, poolMax, removeCheckoutListener, type CheckoutListener, type PoolLike } from './pg-pool-hooks.js';
import { PoolSampleStats } from './pool-samples.js';
import type { LongHeldConnection, PoolSection } from './report-types.js';
import type { PoolSample } from './snapshot-types.js';

/**
 * The seed's ConnectionPoolMonitor, for a pg.Pool: periodic samples of checked-out, idle and
 * waiting clients; exhaustion events (contiguous samples with callers waiting); how long each
 * checkout holds its client (including the ones pool.query takes internally); and clients held
 * longer than a second, with the call site that acquired them. A `pool.query`'s checkout is
 * attributed to where its statement was issued, as the query profiler recorded it (no stack
 * walk); other checkouts capture a stack, for up to 10 a second, and up to 40 a second for a
 * while after a long hold went unattributed.
 */

/** The seed flagged connections "held >1 second" (likely audit writes). */
const LONG_HELD_MS = 1_000;
/** Samples kept for snapshots (at 1 sample/s, ten minutes). Statistics cover all samples. */
const DEFAULT_MAX_RECENT_SAMPLES = 600;
/** Long-held checkouts listed (the longest). */
const MAX_LONG_HELD = 100;
/**
 * Checkouts whose call site is captured, per second. A capture is a V8 stack walk: 3-8 µs in a
 * micro-benchmark, ~20 µs through the embedded server's async stacks (a CPU profile under load
 * put 73 ms in 6 s there at 100 + 500/s); long holds come from a few call sites, so a small
 * sample finds them.
 */
const SITE_CAPTURES_PER_S = 10;
const CAPTURE_ALL_AFTER_MISS_MS = 30_000;
/**
 * Even then, a ceiling: under saturation long holds are common, and "every checkout" meant
 * thousands of stack walks a second. 120/s still cost 0.4% of the server's CPU at 5,500 req/s
 * (~30 µs a walk); 40/s attributes the few sites long holds come from within a second or two.
 */
const SITE_CAPTURES_PER_S_AFTER_MISS = 40;

export interface PgPoolLike extends PoolLike {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  on(event: 'release', listener: (err: unknown, client: object) => void): unknown;
  removeListener(event: 'release', listener: (err: unknown, client: object) => void): unknown;
}

export interface PoolMonitorOptions {
  /** Base pool size (SQLAlchemy's pool_size); checkouts above it count as overflow. Default: pool max. */
  baseSize?: number;
  /** Make this the monitor the report's `pool` section comes from (default true). */
  register?: boolean;
  /** Samples kept for snapshots (default 600). */
  maxRecentSamples?: number;
}

interface Checkout {
  startMs: number;
  site: SiteRef;
}

let registered: ConnectionPoolMonitor | null = null;

/** The monitor whose statistics fill the report's `pool` section (null when none). */
export function registeredPoolMonitor(): ConnectionPoolMonitor | null {
  return registered;
}

/** Makes `monitor` the one the report uses (null: none). */
export function registerPoolMonitor(monitor: ConnectionPoolMonitor | null): void {
  registered = monitor;
}

function isPgPool(x: unknown): x is PgPoolLike {
  const p = x as Partial<PgPoolLike> | null;
  return (
    p !== null &&
    typeof p === 'object' &&
    typeof p.connect === 'function' &&
    typeof p.on === 'function' &&
    typeof p.totalCount === 'number' &&
    typeof p.idleCount === 'number' &&
    typeof p.waitingCount === 'number'
  );
}

export class ConnectionPoolMonitor {
  private readonly pool: PgPoolLike;
  private readonly baseSize: number | undefined;
  private timer: NodeJS.Timeout | null = null;
  private checkouts = new Map<object, Checkout>();
  private checkoutHist = new LatencyHistogram();
  private longHeld = new TopN<LongHeldConnection>(MAX_LONG_HELD, (c) => c.held_ms);
  private readonly samples: PoolSampleStats;
  private readonly listener: CheckoutListener;
  private readonly siteBudget = new TokenBucket(SITE_CAPTURES_PER_S, SITE_CAPTURES_PER_S);
  private readonly missBudget = new TokenBucket(SITE_CAPTURES_PER_S_AFTER_MISS, SITE_CAPTURES_PER_S_AFTER_MISS);
  /** After a long hold whose site was not captured, capture every checkout until then. */
  private captureAllUntilMs = 0;
  private readonly onRelease: (err: unknown, client: object) => void;

  constructor(pool: unknown, options: PoolMonitorOptions = {}) {
    if (!isPgPool(pool)) throw new UsageError('ConnectionPoolMonitor expects a pg.Pool');
    if (options.baseSize !== undefined && !(Number.isInteger(options.baseSize) && options.baseSize > 0)) {
      throw new UsageError(`baseSize must be a positive integer (got ${String(options.baseSize)})`);
    }
    this.pool = pool;
    this.baseSize = options.baseSize;
    this.samples = new PoolSampleStats(options.maxRecentSamples ?? DEFAULT_MAX_RECENT_SAMPLES);
    this.listener = {
      wantsSite: () => this.siteBudget.take() || (performance.now() < this.captureAllUntilMs && this.missBudget.take()),
      onCheckout: (client, site) => {
        this.checkouts.set(client, { startMs: performance.now(), site });
      },
    };
    this.onRelease = (_err, client) => this.released(client);
    addCheckoutListener(pool, this.listener);
    pool.on('release', this.onRelease);
    if (options.register ?? true) registerPoolMonitor(this);
  }

  /** Largest number of clients the pool may open. */
  get maxSize(): number {
    return poolMax(this.pool);
  }

  /** Base size: checkouts above it are overflow. */
  get size(): number {
    return this.baseSize ?? this.maxSize;
  }

  private released(client: object): void {
    const c = this.checkouts.get(client);
    if (c === undefined) return;
    this.checkouts.delete(client);
    const heldMs = performance.now() - c.startMs;
    this.checkoutHist.record(heldMs);
    if (heldMs > LONG_HELD_MS) {
      // Long holds tend to recur from the same code: make sure the next ones are attributed.
      if (c.site === null) this.captureAllUntilMs = performance.now() + CAPTURE_ALL_AFTER_MISS_MS;
      this.noteLongHeld(heldMs, c);
    }
  }

  private noteLongHeld(heldMs: number, c: Checkout): void {
    if (!this.longHeld.accepts(heldMs)) return;
    this.longHeld.offer({
      held_ms: heldMs,
      call_site: callSiteOf(c.site),
      acquired_at: new Date(Date.now() - heldMs).toISOString(),
    });
  }

  /** Reads the pool now and records the sample. */
  sample(): PoolSample {
    const s = this.read();
    this.samples.record(s);
    return s;
  }

  /** Reads the pool now without recording (for metrics scrapes). */
  read(): PoolSample {
    const p = this.pool;
    const size = this.size;
    const total = p.totalCount;
    const idle = p.idleCount;
    const checkedOut = Math.max(0, total - idle);
    const s: PoolSample = {
      t_ms: Date.now(),
      size,
      total,
      checked_out: checkedOut,
      idle,
      waiting: p.waitingCount,
      overflow: Math.max(0, checkedOut - size),
    };
    return s;
  }

  /** Samples every intervalMs until stop() (the timer does not keep the process alive). */
  start(intervalMs = 1_000): this {
    if (!(Number.isFinite(intervalMs) && intervalMs >= 1)) {
      throw new UsageError(`sampling interval must be >= 1 ms (got ${String(intervalMs)})`);
    }
    this.stop();
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Stops sampling and detaches from the pool (its statistics stay readable). */
  close(): void {
    this.stop();
    removeCheckoutListener(this.pool, this.listener);
    this.pool.removeListener('release', this.onRelease);
    this.checkouts.clear();
    if (registered === this) registered = null;
  }

  /** Samples taken since the previous call (at most maxRecentSamples), oldest first. */
  drainSamples(): PoolSample[] {
    return this.samples.drain();
  }

  getStats(): PoolSection {
    const checkout = this.checkoutHist.summary();
    return {
      size: this.size,
      max_overflow: Math.max(0, this.maxSize - this.size),
      ...this.samples.stats(),
      avg_checkout_ms: checkout.mean,
      checkout_ms: { mean: checkout.mean, p50: checkout.p50, p95: checkout.p95, p99: checkout.p99, max: checkout.max },
      long_held: this.currentLongHeld(),
    };
  }

  /** Long checkouts so far, including clients still held for more than a second. */
  private currentLongHeld(): LongHeldConnection[] {
    const now = performance.now();
    const out = this.longHeld.list();
    for (const c of this.checkouts.values()) {
      const heldMs = now - c.startMs;
      if (heldMs > LONG_HELD_MS) {
        out.push({ held_ms: heldMs, call_site: callSiteOf(c.site), acquired_at: new Date(Date.now() - heldMs).toISOString() });
      }
    }
    return out.sort((a, b) => b.held_ms - a.held_ms).slice(0, MAX_LONG_HELD);
  }

  /** The checkout-duration histogram (ms). */
  checkoutHistogram(): LatencyHistogram {
    return this.checkoutHist;
  }

  /** Forgets samples and timings (checkouts in progress are still timed). */
  reset(): void {
    this.checkoutHist = new LatencyHistogram();
    this.longHeld.clear();
    this.samples.reset();
  }
}
