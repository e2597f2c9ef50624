/** Plain-text and Markdown tables for the CLI report and pull-request summaries. */

export type Align = 'left' | 'right';

export interface Column {
  header: string;
  align?: Align;
}

/** Aligned text table with a rule under the header, like the seed report's tables. */
export function textTable(columns: Column[], rows: string[][], indent = '  '): string {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)));
  const pad = (s: string, i: number) => ((columns[i]?.align ?? 'left') === 'right' ? s.padStart(widths[i] ?? 0) : s.padEnd(widths[i] ?? 0));
  const line = (cells: string[]) => indent + cells.map((c, i) => pad(c, i)).join('  ').trimEnd();
  const rule = indent + '─'.repeat(widths.reduce((a, w) => a + w, 0) + 2 * (widths.length - 1));
  return [line(columns.map((c) => c.header)), rule, ...rows.map(line)].join('\n');
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
