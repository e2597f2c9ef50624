/**
 * Seed-style aligned text tables: a header row, a rule of box-drawing dashes, then rows.
 * Numeric columns are right-aligned, text columns left-aligned; long cells are cut with "…".
 */

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** Longest cell; longer values are cut. */
  maxWidth?: number;
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(1, max - 1))}…` : text;
}

export function renderTable(columns: readonly Column[], rows: ReadonlyArray<readonly string[]>): string {
  const cells = rows.map((r) => columns.map((c, i) => cut((r[i] ?? '').replace(/\s+/g, ' '), c.maxWidth ?? 60)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => (r[i] as string).length)));
  const line = (values: readonly string[]): string =>
    values
      .map((v, i) => (columns[i]?.align === 'right' ? v.padStart(widths[i] as number) : v.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  const total = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  return [line(columns.map((c) => c.header)), '─'.repeat(total), ...cells.map(line)].join('\n');
}

export function ms(value: number): string {
  if (!Number.isFinite(value)) return '-';
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

export function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

export function int(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
