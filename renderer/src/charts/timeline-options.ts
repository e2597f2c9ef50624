import type { TimelinePoint } from '../../../core/api/types.js';
import { fmtInt, fmtMs, fmtPct, fmtRate } from '../components/format.js';
import type { EChartsOption } from './echarts.js';
import { lttb, type XY } from './lttb.js';
import type { ChartPalette } from './themes.js';
import { domTooltip, type ValueFormatter } from './tooltip.js';

/**
 * Option builders for the per-second timeline charts (Overview, live recording, replay,
 * compare). Every series goes through LTTB: a canvas ~1000 px wide cannot show more than a
 * few hundred distinct x positions, and 1,800 points x 5 series would cost layout time for
 * nothing (the 1,000,000-request session in test/bench/ui-overview.ts).
 */
export const MAX_CHART_POINTS = 600;

export type TimelineMetric = 'rps' | 'latency' | 'errors' | 'pool' | 'hit_rate';

export interface TimelineChartOptions {
  palette: ChartPalette;
  /** Fixed x extent (s): replay and live recording keep the axis still while data grows. */
  xMaxS?: number;
  /** Pool base size and overflow limit, drawn as lines on the pool chart. */
  poolSize?: number | null;
  poolMax?: number | null;
  /** Exhaustion intervals [startS, endS] shaded on the pool chart. */
  exhaustion?: Array<[number, number]>;
}

export function series(points: readonly TimelinePoint[], get: (p: TimelinePoint) => number | null, max = MAX_CHART_POINTS): XY[] {
  const xy: XY[] = points.map((p) => [p.t_s, get(p)]);
  return lttb(xy, max);
}

export function fmtClock(s: number): string {
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
}

function base(format: ValueFormatter, o: TimelineChartOptions, yName: string, yMax?: number): EChartsOption {
  return {
    animation: false,
    grid: { left: 56, right: 20, top: 30, bottom: 28 },
    legend: { top: 0, right: 8, itemWidth: 14, itemHeight: 8 },
    tooltip: { trigger: 'axis', formatter: domTooltip(format, (p) => `t = ${fmtClock(Number((p as { axisValue?: unknown }).axisValue ?? 0))}`) },
    xAxis: { type: 'value', min: 0, max: o.xMaxS, axisLabel: { formatter: (v: number) => fmtClock(v), hideOverlap: true }, splitLine: { show: false } },
    yAxis: { type: 'value', name: yName, min: 0, max: yMax, nameGap: 8, nameTextStyle: { align: 'left' } },
  };
}

function line(name: string, data: XY[], color: string, area = false) {
  return {
    name,
    type: 'line',
    data,
    showSymbol: false,
    connectNulls: false,
    lineStyle: { width: 1.5, color },
    itemStyle: { color },
    areaStyle: area ? { opacity: 0.12, color } : undefined,
  };
}

export function timelineOption(metric: TimelineMetric, points: readonly TimelinePoint[], o: TimelineChartOptions): EChartsOption {
  const c = o.palette.series;
  switch (metric) {
    case 'rps':
      return { ...base((v) => fmtRate(v), o, 'req/s'), series: [line('Throughput', series(points, (p) => p.rps), c[0] ?? '', true)] };
    case 'latency':
      return {
        ...base((v) => fmtMs(v), o, 'ms'),
        series: [
          line('p50', series(points, (p) => p.p50_ms), c[0] ?? ''),
          line('p95', series(points, (p) => p.p95_ms), c[1] ?? ''),
          line('p99', series(points, (p) => p.p99_ms), c[2] ?? ''),
        ],
      };
    case 'errors':
      return { ...base((v) => `${fmtInt(v)}/s`, o, 'errors/s'), series: [line('Errors', series(points, (p) => p.errors), o.palette.fail, true)] };
    case 'hit_rate':
      return {
        ...base((v) => fmtPct(v), o, 'hit rate', 1),
        yAxis: { type: 'value', name: 'hit rate', min: 0, max: 1, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` }, nameGap: 8, nameTextStyle: { align: 'left' } },
        series: [line('Cache hit rate', series(points, (p) => p.cache_hit_rate), c[3] ?? '', true)],
      };
    case 'pool':
      return poolOption(points, o);
  }
}

function poolOption(points: readonly TimelinePoint[], o: TimelineChartOptions): EChartsOption {
  const c = o.palette.series;
  const checkedOut = line('Checked out', series(points, (p) => p.pool_checked_out), c[0] ?? '', true);
  const marks: Array<Record<string, unknown>> = [];
  if (o.poolSize !== null && o.poolSize !== undefined) marks.push({ yAxis: o.poolSize, name: 'pool size', label: { formatter: `pool size ${o.poolSize}`, position: 'insideEndTop', color: o.palette.limit }, lineStyle: { color: o.palette.limit, type: 'solid', width: 1.5 } });
  if (o.poolMax !== null && o.poolMax !== undefined && o.poolMax !== o.poolSize) marks.push({ yAxis: o.poolMax, name: 'size + overflow', label: { formatter: `+ overflow ${o.poolMax}`, position: 'insideEndTop', color: o.palette.muted }, lineStyle: { color: o.palette.muted, type: 'dashed' } });
  const withMarks = {
    ...checkedOut,
    markLine: marks.length ? { symbol: 'none', silent: true, data: marks } : undefined,
    markArea: o.exhaustion?.length
      ? { silent: true, itemStyle: { color: o.palette.markArea }, label: { show: false }, data: o.exhaustion.map(([a, b]) => [{ xAxis: a, name: 'exhausted' }, { xAxis: Math.max(b, a + 1) }]) }
      : undefined,
  };
  const waiting = line('Waiting', series(points, (p) => p.pool_waiting), o.palette.warn);
  // Mark lines do not stretch the axis: keep the limits in view even when usage is far below.
  const limit = Math.max(o.poolMax ?? 0, o.poolSize ?? 0);
  return {
    ...base((v) => fmtInt(v), o, 'connections'),
    yAxis: { type: 'value', name: 'connections', min: 0, max: (e: { max: number }) => Math.ceil((Math.max(e.max, limit) * 1.1) / 5) * 5, nameGap: 8, nameTextStyle: { align: 'left' } },
    series: [withMarks, waiting],
  };
}

/** Two sessions' timelines on one chart (compare): same metric, baseline muted, candidate in colour. */
export function overlayOption(metric: 'rps' | 'p95' | 'hit_rate', a: readonly TimelinePoint[], b: readonly TimelinePoint[], names: [string, string], palette: ChartPalette): EChartsOption {
  const get = metric === 'rps' ? (p: TimelinePoint) => p.rps : metric === 'p95' ? (p: TimelinePoint) => p.p95_ms : (p: TimelinePoint) => p.cache_hit_rate;
  const format: ValueFormatter = metric === 'rps' ? (v) => fmtRate(v) : metric === 'p95' ? (v) => fmtMs(v) : (v) => fmtPct(v);
  const yName = metric === 'rps' ? 'req/s' : metric === 'p95' ? 'p95 ms' : 'hit rate';
  const xMax = Math.max(a[a.length - 1]?.t_s ?? 0, b[b.length - 1]?.t_s ?? 0);
  const common = base(format, { palette, xMaxS: xMax }, yName, metric === 'hit_rate' ? 1 : undefined);
  return {
    ...common,
    ...(metric === 'hit_rate' ? { yAxis: { type: 'value', name: yName, min: 0, max: 1, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` }, nameGap: 8, nameTextStyle: { align: 'left' } } } : {}),
    series: [line(names[0], series(a, get), palette.series[6] ?? palette.muted), line(names[1], series(b, get), palette.series[0] ?? '')],
  };
}
