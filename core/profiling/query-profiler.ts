import { performance } from 'node:perf_hooks';
import { TokenBucket, TopN, setEvictingOldest } from './bounded.js';
import { captureStack } from './call-site.js';
import { currentStore, UNSAMPLED } from './context.js';
import { fingerprintOf, fingerprinterReady, loadFingerprinter } from './fingerprints.js';
import type { LatencyHistogram } from './histogram.js';
import { NPlusOneDetector } from './n-plus-one.js';
import { instrumentPg, type PgQueryable } from './pg-instrument.js';
import { resolveQueryOptions, type QueryProfilerOptions, type ResolvedQueryOptions } from './query-options.js';
import {
  OVERFLOW_FINGERPRINT,
  fingerprintReport,
  newFingerprintStats,
  slowQueryEntry,
  type FingerprintStats,
  type IssuedQuery,
  type TextEntry,
} from './query-stats.js';
import type { NPlusOneFinding, QueriesSection, QueryFingerprintStats, SlowQuery } from './report-types.js';
import { UsageError } from '../common/errors.js';

export type { QueryProfilerOptions } from './query-options.js';
export type { IssuedQuery } from './query-stats.js';

/**
 * The query profiler (the seed's `query_profiler`, for `pg`): per-fingerprint statistics with
 * HDR percentiles, the slowest queries, and N+1 findings with the caller's file:line.
 *
 * Hot path (one query): a Map lookup by statement text (the fingerprint is cached per text),
 * one small object, two performance.now() calls, a histogram record. No stack is captured
 * except on rare paths: the first time a text is seen (budgeted) and an N+1 finding's first
 * crossing. A slow query reports where its statement text was first issued.
 */

/** Statement texts remembered (text -> fingerprint stats); FIFO-evicted beyond this. */
const TEXT_CACHE_SIZE = 5_000;
/** Queries that finish before libpg-query has loaded (~60 ms after instrument()) are held here. */
const MAX_PENDING_QUERIES = 50_000;
/**
 * Call sites captured per second for statement texts seen for the first time. A stack capture
 * costs 3-8 µs here; statements with inline literals are new texts on every call, and must not
 * pay that each time.
 */
const SITE_CAPTURES_PER_S = 100;

interface PendingCompletion {
  issued: IssuedQuery;
  durationMs: number;
  rows: number;
  error: string | null;
  endedAtMs: number;
}

export interface ManualQueryRecord {
  statement: string;
  durationMs: number;
  rows?: number;
  error?: string | null;
}

export class QueryProfiler {
  private enabled = true;
  private opts: ResolvedQueryOptions;
  private texts = new Map<string, TextEntry>();
  private fingerprints = new Map<string, FingerprintStats>();
  private pendingTexts: TextEntry[] = [];
  private pending: PendingCompletion[] = [];
  private draining: Promise<void> | null = null;
  private detector: NPlusOneDetector;
  private slow: TopN<SlowQuery>;
  private readonly siteBudget = new TokenBucket(SITE_CAPTURES_PER_S, SITE_CAPTURES_PER_S);
  private totalQueries = 0;
  private totalMs = 0;
  private slowCount = 0;
  /** Queries that could not be held while the parser loaded (beyond MAX_PENDING_QUERIES). */
  droppedBeforeReady = 0;

  constructor(options: QueryProfilerOptions = {}) {
    this.opts = resolveQueryOptions(options);
    this.detector = new NPlusOneDetector(this.opts.nPlusOneThreshold, this.opts.nPlusOneWindowMs, this.opts.maxFindings);
    this.slow = new TopN<SlowQuery>(this.opts.maxSlowQueries, (q) => q.duration_ms);
  }

  enable(): void {
    this.enabled = true;
  }
  disable(): void {
    this.enabled = false;
  }
  get isEnabled(): boolean {
    return this.enabled;
  }

  get options(): Readonly<ResolvedQueryOptions> {
    return this.opts;
  }

  /** Changes thresholds or exclusions; validates (UsageError on bad values). Keeps recorded data. */
  configure(options: QueryProfilerOptions): void {
    this.opts = resolveQueryOptions({ ...this.opts, ...options });
    this.detector.configure(this.opts.nPlusOneThreshold, this.opts.nPlusOneWindowMs, this.opts.maxFindings);
    this.slow.setCapacity(this.opts.maxSlowQueries);
    // Exclusion is decided once per text: forget the texts so the new patterns apply.
    this.texts = new Map();
    for (const fp of this.fingerprints.values()) fp.window = null;
  }

  /** Wraps a pg Pool or Client (promise and callback forms) and returns the same object. */
  instrument<T extends PgQueryable>(poolOrClient: T): T {
    void this.ready();
    return instrumentPg(poolOrClient, this);
  }

  /** Resolves once libpg-query is loaded and queries recorded meanwhile are fingerprinted. */
  ready(): Promise<void> {
    if (this.draining === null) this.draining = loadFingerprinter().then(() => this.drainPending());
    return this.draining;
  }

  // ---- recording (called by the pg instrumentation) ------------------------------------

  /** Called when a statement is issued, with the caller on the stack; null: do not record. */
  begin(text: string): IssuedQuery | null {
    if (!this.enabled) return null;
    const store = currentStore();
    if (store === UNSAMPLED) return null;
    let entry = this.texts.get(text);
    let firstSeen = false;
    if (entry === undefined) {
      entry = this.newTextEntry(text);
      firstSeen = true;
    }
    if (entry.excluded) return null;
    const stats = entry.stats;
    const issued: IssuedQuery = {
      entry,
      trace: store === undefined ? null : store.trace,
      startMs: performance.now(),
      noted: false,
      ended: false,
      traceCount: null,
      windowFinding: null,
      durationMs: -1,
      // Before the parser loads every query keeps its site (N+1 counting happens later);
      // otherwise only the first sight of a text does, within a budget (see SITE_CAPTURES_PER_S).
      site: stats === null || (firstSeen && this.siteBudget.take()) ? captureStack() : null,
    };
    if (firstSeen) entry.site = issued.site;
    if (stats !== null) {
      issued.noted = true;
      this.detector.onIssue(issued, stats, issued.trace, issued.startMs);
    }
    return issued;
  }

  /** Called when the statement completed (error: message or null). */
  end(issued: IssuedQuery, error: string | null, rows: number, durationMs = performance.now() - issued.startMs): void {
    if (issued.ended) return;
    issued.ended = true;
    let stats = issued.entry.stats;
    // Parsed meanwhile (or the entry was dropped by reset() while the parser loaded).
    if (stats === null && fingerprinterReady()) stats = issued.entry.stats = this.statsFor(issued.entry.text);
    if (stats === null) {
      if (this.pending.length < MAX_PENDING_QUERIES) {
        this.pending.push({ issued, durationMs, rows, error, endedAtMs: Date.now() });
      } else {
        this.droppedBeforeReady++;
      }
      return;
    }
    if (!issued.noted) {
      issued.noted = true;
      this.detector.onIssue(issued, stats, issued.trace, issued.startMs);
    }
    this.complete(issued, stats, durationMs, rows, error, 0);
  }

  /** Records a query timed by the caller (a driver we do not instrument). */
  recordQuery(record: ManualQueryRecord): void {
    if (record === null || typeof record !== 'object' || typeof record.statement !== 'string') {
      throw new UsageError('recordQuery needs { statement: string, durationMs: number }');
    }
    const { durationMs } = record;
    if (typeof durationMs !== 'number' || !Number.isFinite(durationMs) || durationMs < 0) {
      throw new UsageError(`recordQuery: durationMs must be a finite number >= 0 (got ${String(durationMs)})`);
    }
    const issued = this.begin(record.statement);
    if (issued === null) return;
    issued.startMs -= durationMs;
    this.end(issued, record.error ?? null, record.rows ?? 0, durationMs);
  }

  private newTextEntry(text: string): TextEntry {
    const excluded = this.opts.exclude.some((re) => re.test(text));
    let stats: FingerprintStats | null = null;
    if (!excluded && fingerprinterReady()) stats = this.statsFor(text);
    const entry: TextEntry = { text, stats, excluded, site: null, callSite: undefined };
    if (!excluded && stats === null) {
      void this.ready();
      this.pendingTexts.push(entry);
    }
    setEvictingOldest(this.texts, text, entry, TEXT_CACHE_SIZE);
    return entry;
  }

  private statsFor(text: string): FingerprintStats {
    const fingerprint = fingerprintOf(text);
    let fp = this.fingerprints.get(fingerprint);
    if (fp !== undefined) return fp;
    const overflow = this.fingerprints.size >= this.opts.maxFingerprints;
    if (overflow) {
      fp = this.fingerprints.get(OVERFLOW_FINGERPRINT);
      if (fp !== undefined) return fp;
    }
    fp = newFingerprintStats(overflow ? OVERFLOW_FINGERPRINT : fingerprint, text);
    this.fingerprints.set(fp.fingerprint, fp);
    return fp;
  }

  private complete(
    issued: IssuedQuery,
    stats: FingerprintStats,
    durationMs: number,
    rows: number,
    error: string | null,
    endedAtMs: number,
  ): void {
    stats.count++;
    stats.totalMs += durationMs;
    stats.rows += rows;
    stats.hist.record(durationMs);
    if (error !== null) stats.errors++;
    this.totalQueries++;
    this.totalMs += durationMs;
    this.detector.onComplete(issued, durationMs);
    if (durationMs < this.opts.slowQueryThresholdMs) return;
    this.slowCount++;
    if (this.slow.accepts(durationMs)) {
      this.slow.offer(slowQueryEntry(issued, stats, durationMs, rows, error, endedAtMs === 0 ? Date.now() : endedAtMs));
    }
  }

  private drainPending(): void {
    for (const entry of this.pendingTexts) {
      if (entry.stats === null) entry.stats = this.statsFor(entry.text);
    }
    this.pendingTexts = [];
    const pending = this.pending;
    this.pending = [];
    for (const p of pending) {
      const entry = p.issued.entry;
      const stats = entry.stats ?? (entry.stats = this.statsFor(entry.text));
      if (!p.issued.noted) {
        p.issued.noted = true;
        this.detector.onIssue(p.issued, stats, p.issued.trace, p.issued.startMs);
      }
      this.complete(p.issued, stats, p.durationMs, p.rows, p.error, p.endedAtMs);
    }
  }

  // ---- reading -------------------------------------------------------------------------

  /** Queries at or above the slow threshold so far (all of them, not only the ones kept). */
  get slowQueryCount(): number {
    return this.slowCount;
  }

  /** Totals and per-fingerprint statistics (the report's `queries` section). */
  getQueryStats(): QueriesSection {
    return {
      total_queries: this.totalQueries,
      avg_duration_ms: this.totalQueries === 0 ? 0 : this.totalMs / this.totalQueries,
      slow_queries_count: this.slowCount,
      slow_query_threshold_ms: this.opts.slowQueryThresholdMs,
      by_fingerprint: this.getFingerprintStats(),
    };
  }

  /** Per-fingerprint statistics, most total time first. */
  getFingerprintStats(): QueryFingerprintStats[] {
    const out: QueryFingerprintStats[] = [];
    for (const fp of this.fingerprints.values()) if (fp.count > 0) out.push(fingerprintReport(fp));
    return out.sort((a, b) => b.total_ms - a.total_ms);
  }

  /** The slowest queries at or above slowQueryThresholdMs, slowest first. */
  getSlowQueries(limit = 20): SlowQuery[] {
    return this.slow.list(limit);
  }

  /** N+1 findings (per trace, or per sliding window outside traces), most occurrences first. */
  detectNPlusOne(): NPlusOneFinding[] {
    return this.detector.list();
  }

  /** Each fingerprint's latency histogram (for snapshots and merging). */
  histograms(): Map<string, LatencyHistogram> {
    const out = new Map<string, LatencyHistogram>();
    for (const fp of this.fingerprints.values()) if (fp.count > 0) out.set(fp.fingerprint, fp.hist);
    return out;
  }

  /** The fingerprint a statement groups under (loads the parser if needed). */
  async fingerprint(statement: string): Promise<string> {
    await loadFingerprinter();
    return fingerprintOf(statement);
  }

  /** Forgets everything recorded; instrumentation and options stay. */
  reset(): void {
    this.fingerprints = new Map();
    this.texts = new Map();
    this.pendingTexts = [];
    this.pending = [];
    this.detector.reset();
    this.slow.clear();
    this.totalQueries = 0;
    this.totalMs = 0;
    this.slowCount = 0;
    this.droppedBeforeReady = 0;
  }
}
