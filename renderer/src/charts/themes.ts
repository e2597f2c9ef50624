import type { Theme } from '../app/theme.js';

/**
 * Chart palettes matching styles/app.css (ECharts draws on canvas and cannot read CSS
 * variables, so the two lists are kept side by side here). Series colours are ordered so the
 * first three (p50 / p95 / p99, baseline / candidate) stay distinguishable for red-green colour
 * blindness (Okabe-Ito inspired).
 */
export interface ChartPalette {
  series: string[];
  text: string;
  muted: string;
  axis: string;
  grid: string;
  tooltipBg: string;
  tooltipBorder: string;
  ok: string;
  warn: string;
  fail: string;
  limit: string;
  markArea: string;
}

export const PALETTES: Record<Theme, ChartPalette> = {
  light: {
    series: ['#2563eb', '#e8590c', '#9333ea', '#0d9488', '#ca8a04', '#db2777', '#475569'],
    text: '#1f2937',
    muted: '#6b7280',
    axis: '#d1d5db',
    grid: '#eef0f3',
    tooltipBg: '#ffffff',
    tooltipBorder: '#d1d5db',
    ok: '#15803d',
    warn: '#b45309',
    fail: '#dc2626',
    limit: '#dc2626',
    markArea: 'rgba(220, 38, 38, 0.12)',
  },
  dark: {
    series: ['#60a5fa', '#fb923c', '#c084fc', '#2dd4bf', '#facc15', '#f472b6', '#94a3b8'],
    text: '#e5e7eb',
    muted: '#9ca3af',
    axis: '#374151',
    grid: '#262b33',
    tooltipBg: '#1b1f26',
    tooltipBorder: '#374151',
    ok: '#4ade80',
    warn: '#fbbf24',
    fail: '#f87171',
    limit: '#f87171',
    markArea: 'rgba(248, 113, 113, 0.16)',
  },
};

/** An ECharts theme object built from a palette. */
export function echartsTheme(p: ChartPalette): Record<string, unknown> {
  const axis = {
    axisLine: { lineStyle: { color: p.axis } },
    axisTick: { lineStyle: { color: p.axis } },
    axisLabel: { color: p.muted },
    splitLine: { lineStyle: { color: p.grid } },
    nameTextStyle: { color: p.muted },
  };
  return {
    color: p.series,
    backgroundColor: 'transparent',
    textStyle: { color: p.text, fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' },
    title: { textStyle: { color: p.text }, subtextStyle: { color: p.muted } },
    legend: { textStyle: { color: p.muted } },
    tooltip: { backgroundColor: p.tooltipBg, borderColor: p.tooltipBorder, textStyle: { color: p.text } },
    categoryAxis: axis,
    valueAxis: axis,
    logAxis: axis,
    timeAxis: axis,
    dataZoom: { textStyle: { color: p.muted }, borderColor: p.axis },
  };
}
