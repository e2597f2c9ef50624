import type { SessionReport } from '../../../core/api/types.js';
import { fmtInt, fmtPct } from '../components/format.js';
import type { EChartsOption } from './echarts.js';
import type { ChartPalette } from './themes.js';
import { domTooltip } from './tooltip.js';

type Bucket = NonNullable<SessionReport['cache']>['hit_latency_histogram'][number];

function trimMs(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

export function bucketLabel(b: Bucket): string {
  return b.to_ms === null ? `>${trimMs(b.from_ms)}` : `${trimMs(b.from_ms)}–${trimMs(b.to_ms)}`;
}

/** A latency histogram with the seed's buckets (0-1 ... >10 ms); bars show counts, the tooltip the share. */
export function bucketOption(buckets: Bucket[], palette: ChartPalette, name: string, color: string): EChartsOption {
  const total = buckets.reduce((s, b) => s + b.count, 0) || 1;
  return {
    animation: false,
    grid: { left: 56, right: 16, top: 24, bottom: 40 },
    tooltip: { trigger: 'axis', formatter: domTooltip((v) => `${fmtInt(v)} (${fmtPct(v / total)})`, (p) => `${p.name ?? ''} ms`) },
    xAxis: { type: 'category', data: buckets.map(bucketLabel), name: 'ms', nameLocation: 'middle', nameGap: 26, axisLabel: { color: palette.muted } },
    yAxis: { type: 'value', name: 'count', nameGap: 8, nameTextStyle: { align: 'left' } },
    series: [{ name, type: 'bar', data: buckets.map((b) => b.count), itemStyle: { color }, barMaxWidth: 48 }],
  };
}

/**
 * Two latency distributions side by side per bucket (compare): [upper bound ms, share]; the
 * open last bucket's bound is -1 (core/analysis/compare.ts), or null if Infinity went through
 * JSON. Empty buckets at both ends are trimmed so the bars that matter are wide enough to read.
 */
export function distributionOverlayOption(baseline: Array<[number | null, number]>, candidate: Array<[number | null, number]>, palette: ChartPalette, names: [string, string]): EChartsOption {
  const all = (baseline.length >= candidate.length ? baseline : candidate).map((b) => b[0]);
  const open = (u: number | null) => u === null || u < 0 || !Number.isFinite(u);
  const labelAt = (i: number) => {
    const u = all[i] ?? null;
    return open(u) ? `>${all[i - 1] ?? 0}` : `≤${u}`;
  };
  const used = all.map((_, i) => (baseline[i]?.[1] ?? 0) > 0 || (candidate[i]?.[1] ?? 0) > 0);
  const first = Math.max(0, used.indexOf(true));
  const last = Math.max(first, used.lastIndexOf(true));
  const idx = all.map((_, i) => i).slice(first, last + 1);
  const labels = idx.map(labelAt);
  const shares = (d: Array<[number | null, number]>) => idx.map((i) => d[i]?.[1] ?? 0);
  return {
    animation: false,
    grid: { left: 52, right: 16, top: 30, bottom: 40 },
    legend: { top: 0, right: 8, itemWidth: 14, itemHeight: 8 },
    tooltip: { trigger: 'axis', formatter: domTooltip((v) => fmtPct(v), (p) => `${p.name ?? ''} ms`) },
    xAxis: { type: 'category', data: labels, name: 'ms', nameLocation: 'middle', nameGap: 26 },
    yAxis: { type: 'value', name: 'share', axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` }, nameGap: 8, nameTextStyle: { align: 'left' } },
    series: [
      { name: names[0], type: 'bar', data: shares(baseline), itemStyle: { color: palette.series[6] ?? palette.muted }, barMaxWidth: 28 },
      { name: names[1], type: 'bar', data: shares(candidate), itemStyle: { color: palette.series[0] ?? '' }, barMaxWidth: 28 },
    ],
  };
}
