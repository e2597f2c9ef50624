/** Number formatting shared by tables and charts: compact, units always shown. */

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function fmtInt(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : intFmt.format(v);
}

/** Milliseconds with precision that fits the magnitude (the seed's style): 0.012 ms, 0.80 ms, 3.2 ms, 245 ms, 12.8 s. */
export function fmtMs(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (v >= 10_000) return `${(v / 1000).toFixed(1)} s`;
  if (v >= 1000) return `${(v / 1000).toFixed(2)} s`;
  if (v >= 100) return `${v.toFixed(0)} ms`;
  if (v >= 1) return `${v.toFixed(1)} ms`;
  if (v >= 0.1 || v === 0) return `${v.toFixed(2)} ms`;
  return `${v.toFixed(3)} ms`;
}

export function fmtRate(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)}/s`;
}

/** A fraction 0..1 as a percentage; small shares keep two significant digits (0.026%, not 0.0%). */
export function fmtPct(fraction: number | null | undefined, digits = 1): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '—';
  const pct = fraction * 100;
  if (pct !== 0 && Math.abs(pct) < 0.1) return `${pct.toPrecision(2)}%`;
  return `${pct.toFixed(digits)}%`;
}

export function fmtSignedPct(pct: number | null | undefined): string {
  if (pct === null || pct === undefined || !Number.isFinite(pct)) return '—';
  const sign = pct > 0 ? '+' : pct < 0 ? '−' : '';
  return `${sign}${Math.abs(pct).toFixed(1)}%`;
}

export function fmtDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Count units a table header already names; compact cells drop them ("18", not "18 connections"). */
const WORD_UNITS = new Set(['connections', 'queries', 'patterns', 'requests', 'count']);

/** Time of day with seconds (events inside one session). */
export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toTimeString().slice(0, 8);
}

/** A value in the unit the backend named (checks and comparison metrics). */
export function fmtValue(v: number | null | undefined, unit: string, opts: { compact?: boolean } = {}): string {
  if (opts.compact && WORD_UNITS.has(unit) && v !== null && v !== undefined) return Number.isInteger(v) ? fmtInt(v) : v.toFixed(2);
  // "1 pattern", "2 patterns": the checks table names counts in words.
  if (WORD_UNITS.has(unit) && unit !== 'count' && v === 1) return `1 ${unit.replace(/s$/, '')}`;
  if (v === null || v === undefined) return '—';
  switch (unit) {
    case 'ms':
      return fmtMs(v);
    case 'fraction':
    case 'ratio':
      return fmtPct(v);
    case '%':
    case 'pct':
    case 'percent':
      return `${v.toFixed(1)}%`;
    case 'rps':
    case 'req/s':
    case '/s':
      return fmtRate(v);
    case 'count':
    case '':
      return fmtInt(v);
    default:
      return `${Number.isInteger(v) ? fmtInt(v) : v.toFixed(2)} ${unit}`;
  }
}
