import type { DistributionStats } from '../profiling/report-types.js';

/**
 * Distribution of an integer gauge sampled over time (connections, clients). Values are counted
 * per distinct value, so memory stays bounded by the range of the gauge, not by the duration,
 * and percentiles are exact (nearest rank).
 */
export class GaugeStats {
  private readonly counts = new Map<number, number>();
  private n = 0;
  private sum = 0;
  private min = Infinity;
  private max = 0;

  record(value: number): void {
    this.counts.set(value, (this.counts.get(value) ?? 0) + 1);
    this.n++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  get samples(): number {
    return this.n;
  }

  private percentile(p: number): number {
    const rank = Math.max(1, Math.ceil((p / 100) * this.n));
    let seen = 0;
    for (const value of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(value) ?? 0;
      if (seen >= rank) return value;
    }
    return this.max;
  }

  summary(): DistributionStats {
    if (this.n === 0) return { min: 0, max: 0, avg: 0, p95: 0, p99: 0 };
    return { min: this.min, max: this.max, avg: this.sum / this.n, p95: this.percentile(95), p99: this.percentile(99) };
  }
}

/** Per-key peak of a gauge (e.g. connections per application), bounded to maxKeys. */
export class PeakByKey {
  private readonly peaks = new Map<string, number>();
  constructor(private readonly maxKeys = 200) {}

  record(values: Record<string, number>): void {
    for (const [key, value] of Object.entries(values)) {
      const prev = this.peaks.get(key);
      if (prev === undefined && this.peaks.size >= this.maxKeys) continue;
      if (prev === undefined || value > prev) this.peaks.set(key, value);
    }
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.peaks].sort((a, b) => b[1] - a[1]));
  }
}
