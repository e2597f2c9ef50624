import { generatePerformanceReport, type ReportSources } from './report.js';
import { functionProfiler, queryProfiler } from './defaults.js';
import { registeredPoolMonitor } from './pool-monitor.js';
import type { LatencyHistogram } from './histogram.js';
import type { ProfilingSnapshot } from './snapshot-types.js';
import { encodedOf, withPercentileMaxAge } from './summary-cache.js';

/**
 * Snapshots for streaming (the embedded server sends one per second over IPC, with
 * histograms every fifth). Cumulative, so a lost message costs nothing; pool samples are the
 * ones taken since the previous snapshot. Cost is dominated by the report's percentiles; with
 * ~50 fingerprints and functions it must stay well under 10 ms (measured in
 * test/bench/profiling-overhead.ts).
 */

let seq = 0;

export interface SnapshotOptions extends ReportSources {
  /** Include encoded histograms per query fingerprint and function name. */
  histograms?: boolean;
}

/** How old the percentiles of a periodic snapshot without histograms may be. */
export const PERIODIC_PERCENTILE_MAX_AGE_MS = 5_000;

/** The histograms a snapshot carries: [section, query fingerprint or span name, histogram]. */
function* histogramsOf(options: SnapshotOptions): Generator<['queries' | 'functions', string, LatencyHistogram]> {
  for (const [fp, h] of (options.queries ?? queryProfiler).histograms()) yield ['queries', fp, h];
  for (const [name, h] of (options.functions ?? functionProfiler).histograms()) yield ['functions', name, h];
}

/** One event-loop turn: lets requests that arrived meanwhile run. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * takeSnapshot for a server under load: the same snapshot, but the histograms are encoded one
 * per event-loop turn. Encoding all of them at once (~0.3 ms each, dozens) blocked the embedded
 * server's loop for ~10 ms every fifth second, a stall every request in flight then paid. The
 * histograms are read a few milliseconds after the report, each one consistent in itself.
 */
export async function takeSnapshotSpread(options: SnapshotOptions = {}): Promise<ProfilingSnapshot> {
  // Between the snapshots that carry histograms, percentiles a few seconds old will do (see
  // withPercentileMaxAge); those that carry them recompute every changed one.
  if (options.histograms !== true) return withPercentileMaxAge(PERIODIC_PERCENTILE_MAX_AGE_MS, () => takeSnapshot(options));
  const snapshot = takeSnapshot({ ...options, histograms: false });
  const histograms = { queries: {} as Record<string, string>, functions: {} as Record<string, string> };
  for (const [section, key, h] of [...histogramsOf(options)]) {
    await nextTurn();
    histograms[section][key] = encodedOf(h);
  }
  return { ...snapshot, histograms };
}

export function takeSnapshot(options: SnapshotOptions = {}): ProfilingSnapshot {
  const report = generatePerformanceReport(options);
  const pool = options.pool === undefined ? registeredPoolMonitor() : options.pool;
  let histograms: ProfilingSnapshot['histograms'] = null;
  if (options.histograms === true) {
    histograms = { queries: {}, functions: {} };
    for (const [section, key, h] of histogramsOf(options)) histograms[section][key] = encodedOf(h);
  }
  return {
    seq: ++seq,
    t_ms: Date.now(),
    report,
    pool_samples: pool === null ? [] : pool.drainSamples(),
    histograms,
  };
}
