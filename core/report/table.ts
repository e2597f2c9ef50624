import { renderTable } from '../profiling/text-table.js';

/** Plain-text and Markdown tables for the CLI report and pull-request summaries. */

export type Align = 'left' | 'right';

export interface Column {
  header: string;
  align?: Align;
}

/**
 * Aligned text table with a rule under the header, like the seed report's tables: the profiling
 * library's renderer (printPerformanceReport uses it too), without its cell width cap (report
 * cells are clipped where they are built), indented.
 */
export function textTable(columns: Column[], rows: string[][], indent = '  '): string {
  return renderTable(
    columns.map((c) => ({ ...c, maxWidth: Infinity })),
    rows,
  )
    .split('\n')
    .map((l) => indent + l)
    .join('\n');
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function markdownTable(columns: Column[], rows: string[][]): string {
  const head = `| ${columns.map((c) => escapeCell(c.header)).join(' | ')} |`;
  const sep = `|${columns.map((c) => ((c.align ?? 'left') === 'right' ? '---:' : ':---')).join('|')}|`;
  return [head, sep, ...rows.map((r) => `| ${r.map(escapeCell).join(' | ')} |`)].join('\n');
}

export function ms(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  if (v !== 0 && Math.abs(v) < 0.1) return v.toFixed(3);
  return v.toFixed(digits);
}

export function pct(fraction: number | null | undefined, digits = 1): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '-';
  return `${(fraction * 100).toFixed(digits)}%`;
}

export function int(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  return Math.round(v).toLocaleString('en-US');
}

export function signedPct(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  return `${v > 0 ? '+' : ''}${v.toFixed(1)}%`;
}

/** Shortens a statement for a table cell. */
export function clip(s: string, max = 72): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}
