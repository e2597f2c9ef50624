/**
 * Tooltip contents built as DOM nodes. ECharts' default tooltip HTML carries inline `style="..."`
 * attributes, which the backend's CSP (style-src 'self', no 'unsafe-inline') blocks; colours set
 * through the CSSOM (element.style) are allowed, so the markers are drawn that way.
 */

interface TooltipParam {
  seriesName?: string;
  color?: unknown;
  value?: unknown;
  axisValueLabel?: string;
  name?: string;
  marker?: string;
}

export type ValueFormatter = (v: number, seriesName: string) => string;

function el(tag: string, cls: string, text?: string): HTMLElement {
  const e = document.createElement(tag);
  e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function valueOf(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (Array.isArray(v)) {
    const y = v[1];
    return typeof y === 'number' ? y : null;
  }
  return null;
}

export function domTooltip(format: ValueFormatter, header?: (p: TooltipParam) => string) {
  return (raw: unknown): HTMLElement => {
    const params = (Array.isArray(raw) ? raw : [raw]) as TooltipParam[];
    const root = el('div', 'tt');
    const first = params[0];
    if (first) root.appendChild(el('div', 'tt-head', header ? header(first) : (first.axisValueLabel ?? first.name ?? '')));
    for (const p of params) {
      const v = valueOf(p.value);
      const row = el('div', 'tt-row');
      const mark = el('span', 'tt-mark');
      if (typeof p.color === 'string') mark.style.backgroundColor = p.color;
      row.appendChild(mark);
      row.appendChild(el('span', 'tt-name', p.seriesName ?? ''));
      row.appendChild(el('span', 'tt-value', v === null ? '—' : format(v, p.seriesName ?? '')));
      root.appendChild(row);
    }
    return root;
  };
}
