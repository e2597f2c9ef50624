import * as hdr from 'hdr-histogram-js';

/**
 * A latency histogram in milliseconds, backed by an HDR histogram (hdr-histogram-js) that
 * records integer nanoseconds with 3 significant digits: any percentile it reports is within
 * 0.1% of the exact value (the issue asks for 1%). Count, sum, min and max are kept exactly
 * beside it, so `mean` and `max` are exact, not bucket estimates.
 *
 * Histograms are mergeable (`add`) and serialisable (`encode`/`decode`, HdrHistogram's
 * compressed base64 format), which is how per-window histograms travel over IPC and into the
 * store.
 */

/** Longest duration we track: one hour. Longer values are clamped (and still counted). */
const HIGHEST_TRACKABLE_NS = 3_600_000_000_000;
const NS_PER_MS = 1_000_000;
/**
 * Deflate level for encode(): level 1 is ~6x faster than pako's default (0.35 vs 2 ms for a
 * 100k-value histogram here) for a file ~1% larger; snapshots encode dozens every few seconds.
 */
const ENCODE_COMPRESSION_LEVEL = 1;

/** hdr-histogram-js's JsHistogram iterator (not in its public typings). */
interface RecordedValuesIterator {
  reset(): void;
  hasNext(): boolean;
  next(): { valueIteratedTo: number; countAtValueIteratedTo: number };
}

/** The JsHistogram methods percentiles() scans with (public in its JS, absent from its typings). */
interface JsHistogramInternals {
  _counts?: ArrayLike<number>;
  totalCount: number;
  countsArrayLength: number;
  countsArrayIndex(value: number): number;
  getCountAtIndex(index: number): number;
  valueFromIndex(index: number): number;
  lowestEquivalentValue(value: number): number;
  highestEquivalentValue(value: number): number;
}

const SUMMARY_PERCENTILES: readonly number[] = [50, 95, 99];

/** Unit in the last place of a positive double (hdr-histogram-js's own formula). */
function ulp(x: number): number {
  return 2 ** (Math.floor(Math.log2(x)) - 52);
}

/** The count a percentile must reach, computed as hdr-histogram-js's getValueAtPercentile does. */
function countAtPercentile(p: number, total: number): number {
  const fp = (p / 100) * total;
  return Math.max(Math.ceil(fp - ulp(fp)), 1);
}

function build(): hdr.Histogram {
  return hdr.build({
    bitBucketSize: 32,
    autoResize: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_NS,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

export interface LatencySummary {
  count: number;
  mean: number;
  min: number;
  max: number;
  p50: number;
  p95: number;
  p99: number;
}

/** The JsHistogram fields record() updates directly (present in its JS, absent from its typings). */
interface JsHistogramRecordInternals {
  _counts: { [index: number]: number };
  _totalCount: number;
  countsArrayLength: number;
  maxValue: number;
  minNonZeroValue: number;
  subBucketHalfCountMagnitude: number;
  subBucketHalfCount: number;
  unitMagnitude: number;
  updatedMaxValue(value: number): void;
  updateMinNonZeroValue(value: number): void;
}

/** The internals, if this histogram has them (every JsHistogram of hdr-histogram-js 3 does). */
function recordInternals(h: hdr.Histogram): JsHistogramRecordInternals | null {
  const i = h as unknown as Partial<JsHistogramRecordInternals>;
  return typeof i._counts === 'object' &&
    typeof i._totalCount === 'number' &&
    typeof i.subBucketHalfCountMagnitude === 'number' &&
    typeof i.subBucketHalfCount === 'number' &&
    typeof i.unitMagnitude === 'number' &&
    typeof i.updatedMaxValue === 'function' &&
    typeof i.updateMinNonZeroValue === 'function'
    ? (i as JsHistogramRecordInternals)
    : null;
}

export class LatencyHistogram {
  private hist: hdr.Histogram;
  /**
   * recordValue's fast path: hdr-histogram-js finds a value's bucket with Math.log2, Math.pow and
   * a division (~220 ns a record here, and the server records several per request); for values
   * below 2^32 ns (~4.3 s) the same index comes from Math.clz32 and a shift (~15-20 ns).
   */
  private readonly fast: JsHistogramRecordInternals | null;
  private _count = 0;
  private _sumMs = 0;
  private _minMs = Infinity;
  private _maxMs = 0;

  constructor(hist?: hdr.Histogram) {
    this.hist = hist ?? build();
    this.fast = recordInternals(this.hist);
  }

  /**
   * Records one duration in milliseconds (fractions allowed; negative values count as 0), or
   * `count` of them: a sampled value that stands for several (see FunctionProfiler's timing budget).
   */
  record(durationMs: number, count = 1): void {
    const ms = durationMs > 0 ? durationMs : 0;
    let ns = Math.round(ms * NS_PER_MS);
    if (ns > HIGHEST_TRACKABLE_NS) ns = HIGHEST_TRACKABLE_NS;
    const f = this.fast;
    if (f !== null && ns <= 0xffffffff) {
      // JsHistogram.countsArrayIndex with integer operations: the bucket is the value's highest
      // set bit above the sub-bucket range, the sub-bucket the value shifted down by the bucket.
      const bucket = Math.max(31 - Math.clz32(ns) - f.subBucketHalfCountMagnitude - f.unitMagnitude, 0);
      const index = ((bucket + 1) << f.subBucketHalfCountMagnitude) + (ns >>> (bucket + f.unitMagnitude)) - f.subBucketHalfCount;
      if (index < f.countsArrayLength) {
        (f._counts[index] as number) += count;
        f._totalCount += count;
        if (ns > f.maxValue) f.updatedMaxValue(ns);
        if (ns !== 0 && ns < f.minNonZeroValue) f.updateMinNonZeroValue(ns);
      } else {
        this.hist.recordValueWithCount(ns, count);
      }
    } else {
      this.hist.recordValueWithCount(ns, count);
    }
    this._count += count;
    this._sumMs += ms * count;
    if (ms < this._minMs) this._minMs = ms;
    if (ms > this._maxMs) this._maxMs = ms;
  }

  get count(): number {
    return this._count;
  }
  get sumMs(): number {
    return this._sumMs;
  }
  get meanMs(): number {
    return this._count === 0 ? 0 : this._sumMs / this._count;
  }
  get maxMs(): number {
    return this._maxMs;
  }
  get minMs(): number {
    return this._count === 0 ? 0 : this._minMs;
  }

  /** Value at percentile p (0..100) in ms; 0 when empty. Never above the exact max. */
  percentile(p: number): number {
    if (this._count === 0) return 0;
    const v = this.hist.getValueAtPercentile(p) / NS_PER_MS;
    // HDR reports the highest value equivalent to the bucket; clamp to what was really seen.
    return Math.min(Math.max(v, this._minMs), this._maxMs);
  }

  /**
   * Several percentiles (each p in 0..100, any order) in one pass over the buckets; the same
   * values as percentile(p). Reports read p50/p95/p99 of ~100 histograms every second, and
   * each getValueAtPercentile scans the counts from index 0 (~50 µs here): one scan, not three.
   */
  percentiles(ps: readonly number[]): number[] {
    const out = new Array<number>(ps.length).fill(0);
    if (this._count === 0 || ps.length === 0) return out;
    const h = this.hist as unknown as JsHistogramInternals;
    const total = h.totalCount;
    // Targets as getValueAtPercentile computes them, visited in ascending order.
    const order = ps.map((_, i) => i).sort((x, y) => (ps[x] as number) - (ps[y] as number));
    const targets = order.map((i) => countAtPercentile(Math.min(ps[i] as number, 100), total));
    // TypedArrayHistogram keeps its counts in `_counts`: reading it directly is ~2x faster
    // than a getCountAtIndex call per bucket.
    const counts = h._counts;
    const length = h.countsArrayLength;
    let k = 0;
    let next = targets[0] as number;
    let running = 0;
    // Every bucket below the smallest value recorded is empty: start there.
    const first = Math.max(0, Math.min(length - 1, h.countsArrayIndex(Math.round(this._minMs * NS_PER_MS))));
    for (let index = first; index < length; index++) {
      running += counts !== undefined ? (counts[index] as number) : h.getCountAtIndex(index);
      if (running < next) continue;
      const value = h.valueFromIndex(index);
      while (running >= next) {
        const i = order[k] as number;
        const ns = ps[i] === 0 ? h.lowestEquivalentValue(value) : h.highestEquivalentValue(value);
        out[i] = Math.min(Math.max(ns / NS_PER_MS, this._minMs), this._maxMs);
        k++;
        if (k === targets.length) return out;
        next = targets[k] as number;
      }
    }
    return out;
  }

  summary(): LatencySummary {
    const [p50, p95, p99] = this.percentiles(SUMMARY_PERCENTILES) as [number, number, number];
    return {
      count: this._count,
      mean: this.meanMs,
      min: this.minMs,
      max: this._maxMs,
      p50,
      p95,
      p99,
    };
  }

  /**
   * Calls fn(valueMs, count) for each non-empty bucket in ascending value order (the value is
   * the bucket's highest equivalent value). Used for bucketed distributions and rank tests.
   */
  forEachBucket(fn: (valueMs: number, count: number) => void): void {
    if (this._count === 0) return;
    const iter = (this.hist as unknown as { recordedValuesIterator: RecordedValuesIterator }).recordedValuesIterator;
    iter.reset();
    while (iter.hasNext()) {
      const v = iter.next();
      fn(v.valueIteratedTo / NS_PER_MS, v.countAtValueIteratedTo);
    }
  }

  /** Count of recorded values <= upperMs (inclusive, at bucket resolution). */
  countAtOrBelow(upperMs: number): number {
    let n = 0;
    this.forEachBucket((valueMs, count) => {
      if (valueMs <= upperMs) n += count;
    });
    return n;
  }

  /** Adds another histogram's values into this one. */
  add(other: LatencyHistogram): void {
    if (other._count === 0) return;
    this.hist.add(other.hist);
    this._count += other._count;
    this._sumMs += other._sumMs;
    if (other._minMs < this._minMs) this._minMs = other._minMs;
    if (other._maxMs > this._maxMs) this._maxMs = other._maxMs;
  }

  reset(): void {
    this.hist.reset();
    this._count = 0;
    this._sumMs = 0;
    this._minMs = Infinity;
    this._maxMs = 0;
  }

  clone(): LatencyHistogram {
    const c = new LatencyHistogram();
    c.add(this);
    return c;
  }

  /**
   * Serialises to a compact string: `count;sumMs;minMs;maxMs;<HdrHistogram compressed base64>`.
   * An empty histogram encodes as `0;0;0;0;`.
   */
  encode(): string {
    if (this._count === 0) return '0;0;0;0;';
    return `${this._count};${this._sumMs};${this._minMs};${this._maxMs};${hdr.encodeIntoCompressedBase64(this.hist, ENCODE_COMPRESSION_LEVEL)}`;
  }

  static decode(encoded: string): LatencyHistogram {
    const parts = encoded.split(';');
    if (parts.length !== 5) throw new Error('invalid encoded histogram');
    const [count, sum, min, max, body] = parts as [string, string, string, string, string];
    if (body === '') return new LatencyHistogram();
    const h = new LatencyHistogram(hdr.decodeFromCompressedBase64(body, 32, false));
    h._count = Number(count);
    h._sumMs = Number(sum);
    h._minMs = Number(min);
    h._maxMs = Number(max);
    if (![h._count, h._sumMs, h._minMs, h._maxMs].every(Number.isFinite)) throw new Error('invalid encoded histogram');
    return h;
  }

  /** Builds a histogram from raw durations (tests, imports). */
  static from(durationsMs: Iterable<number>): LatencyHistogram {
    const h = new LatencyHistogram();
    for (const d of durationsMs) h.record(d);
    return h;
  }
}

/** Exact percentile of raw values (nearest-rank), used by tests and small samples. */
export function exactPercentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}
