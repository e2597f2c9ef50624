import { fmtSignedPct } from './format.js';

/**
 * A change between two sessions: "~" when not statistically significant (benchstat's
 * convention), otherwise the signed change coloured by whether it is better or worse.
 */
export function Change({ pct, significant, better, unit = '%' }: { pct: number | null; significant: boolean; better: boolean | null; unit?: '%' | 'pp' }) {
  const raw = pct === null ? '—' : unit === 'pp' ? `${pct > 0 ? '+' : pct < 0 ? '−' : ''}${Math.abs(pct).toFixed(1)} pp` : fmtSignedPct(pct);
  if (!significant) {
    return (
      <span className="change change-none" title={`not significant (${raw})`}>
        ~<span className="visually-hidden"> no significant change</span>
      </span>
    );
  }
  const arrow = pct === null ? '' : pct < 0 ? ' ↓' : pct > 0 ? ' ↑' : '';
  return (
    <span className={`change ${better === true ? 'change-better' : better === false ? 'change-worse' : ''}`}>
      {raw}
      {arrow}
      <span className="visually-hidden">{better === true ? ' (better)' : better === false ? ' (worse)' : ''}</span>
    </span>
  );
}
