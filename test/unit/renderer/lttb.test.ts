import { describe, expect, it } from 'vitest';
import { lttb, type XY } from '../../../renderer/src/charts/lttb.js';

function wave(n: number): XY[] {
  return Array.from({ length: n }, (_, i) => [i, Math.sin(i / 25) * 100 + (i % 7)]);
}

describe('lttb', () => {
  it('returns short series unchanged', () => {
    const data = wave(50);
    expect(lttb(data, 600)).toEqual(data);
    expect(lttb(data, 50)).toEqual(data);
  });

  it('reduces 1,800 points to the threshold, keeping the first and last point and x order', () => {
    const data = wave(1800);
    const out = lttb(data, 600);
    expect(out).toHaveLength(600);
    expect(out[0]).toEqual(data[0]);
    expect(out[out.length - 1]).toEqual(data[data.length - 1]);
    for (let i = 1; i < out.length; i++) expect((out[i] as XY)[0]).toBeGreaterThan((out[i - 1] as XY)[0]);
  });

  it('keeps a one-second spike that every-nth sampling would drop', () => {
    const data: XY[] = Array.from({ length: 1800 }, (_, i) => [i, 10]);
    data[901] = [901, 500]; // a p99 spike at an index no multiple of 3 lands on
    const everyThird = data.filter((_, i) => i % 3 === 0);
    expect(everyThird.some((p) => p[1] === 500)).toBe(false);
    expect(lttb(data, 600).some((p) => p[1] === 500)).toBe(true);
  });

  it('keeps the extremes of a noisy series', () => {
    const data = wave(1800);
    data[400] = [400, -900];
    data[1500] = [1500, 900];
    const out = lttb(data, 300);
    const ys = out.map((p) => p[1] as number);
    expect(Math.min(...ys)).toBe(-900);
    expect(Math.max(...ys)).toBe(900);
  });

  it('keeps a gap where a whole bucket has no data instead of drawing across it', () => {
    const data: XY[] = Array.from({ length: 1000 }, (_, i) => [i, i >= 400 && i < 600 ? null : 5]);
    const out = lttb(data, 100);
    expect(out.some((p) => p[1] === null && p[0] >= 400 && p[0] < 600)).toBe(true);
    expect(out.filter((p) => p[1] !== null).every((p) => p[0] < 400 || p[0] >= 600)).toBe(true);
  });
});
