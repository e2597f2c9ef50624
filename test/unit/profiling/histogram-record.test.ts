import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../../core/profiling/index.js';
import { prng } from '../../fixtures/report.js';

/** The library's own recordValue, on a histogram built as LatencyHistogram builds its own. */
function reference(): hdr.Histogram {
  return hdr.build({
    bitBucketSize: 32,
    autoResize: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000_000,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

describe('LatencyHistogram.record (integer fast path)', () => {
  it('puts every value in the bucket hdr-histogram-js would: same encoding, percentiles, min and max', () => {
    const rand = prng(7);
    // 0, sub-µs, every power-of-two edge around the fast path's 2^32 ns limit, up to the 1 h clamp.
    const edges = [0, 1e-6, 0.001, 0.0010235, 0.002047, 0.002048, 0.002049, 4294.967295, 4294.967296, 4294.967297, 10_000, 3_600_000, 7_200_000];
    for (let bit = 0; bit <= 42; bit++) edges.push((2 ** bit - 1) / 1e6, 2 ** bit / 1e6, (2 ** bit + 1) / 1e6);
    const values = [...edges, ...Array.from({ length: 20_000 }, () => Math.exp(rand() * 22 - 12))];
    const ours = new LatencyHistogram();
    const ref = reference();
    for (const ms of values) {
      ours.record(ms);
      ref.recordValue(Math.min(Math.round(ms * 1e6), 3_600_000_000_000));
    }
    const encoded = ours.encode();
    expect(encoded.slice(encoded.lastIndexOf(';') + 1)).toBe(hdr.encodeIntoCompressedBase64(ref, 1));
    const decoded = LatencyHistogram.decode(encoded);
    for (const p of [0, 1, 25, 50, 90, 95, 99, 99.9, 100]) {
      expect(ours.percentile(p)).toBe(decoded.percentile(p));
      expect(ours.percentile(p)).toBe(Math.min(Math.max(ref.getValueAtPercentile(p) / 1e6, ours.minMs), ours.maxMs));
    }
    expect(ours.count).toBe(values.length);
  });

  it('records a weighted value as recordValueWithCount does: same encoding, count and percentiles', () => {
    const ours = new LatencyHistogram();
    const ref = reference();
    // Zero durations, single values, and weights up to a 32-bit bucket's limit.
    const weighted: Array<[number, number]> = [[0, 3], [0.2, 1], [0.3, 100], [1.5, 70_000], [2.5, 2 ** 27 + 3], [40, 2 ** 31 - 1], [900, 2 ** 32 - 1]];
    for (const [ms, count] of weighted) {
      ours.record(ms, count);
      ref.recordValueWithCount(Math.round(ms * 1e6), count);
    }
    const encoded = ours.encode();
    expect(encoded.slice(encoded.lastIndexOf(';') + 1)).toBe(hdr.encodeIntoCompressedBase64(ref, 1));
    const decoded = LatencyHistogram.decode(encoded);
    expect(decoded.count).toBe(weighted.reduce((n, [, c]) => n + c, 0));
    for (const p of [10, 50, 95, 99.99]) expect(decoded.percentile(p)).toBe(ours.percentile(p));
  });

  it('keeps recording correctly into a decoded histogram', () => {
    const a = LatencyHistogram.from([1, 2, 3]);
    const b = LatencyHistogram.decode(a.encode());
    for (const ms of [0.5, 4, 5000]) {
      a.record(ms);
      b.record(ms);
    }
    expect(b.encode()).toBe(a.encode());
  });
});
