import { useEffect, useState } from 'react';
import { useCall } from '../../api/use-call.js';
import { comparePath, navigate } from '../../app/router.js';
import { fmtDate } from '../../components/format.js';

export function ComparePicker({ baseline, candidate }: { baseline: string | null; candidate: string | null }) {
  const list = useCall('sessions/list', {}, 'compare-list');
  const [a, setA] = useState(baseline ?? '');
  const [b, setB] = useState(candidate ?? '');
  useEffect(() => {
    setA(baseline ?? '');
    setB(candidate ?? '');
  }, [baseline, candidate]);
  const sessions = list.data ?? [];
  const options = sessions.map((s) => (
    <option key={s.id} value={s.id}>
      {s.name} — {s.profile ?? s.target} — {fmtDate(s.started_at)}
    </option>
  ));
  const go = (x: string, y: string) => navigate(comparePath(x || null, y || null), { replace: true });
  return (
    <div className="toolbar compare-picker">
      <label className="field-inline">
        <span className="field-label-inline">Baseline</span>
        <select className="input" value={a} onChange={(e) => setA(e.target.value)} data-testid="compare-baseline">
          <option value="">Choose a session…</option>
          {options}
        </select>
      </label>
      <button type="button" className="btn btn-ghost" onClick={() => go(b, a)} aria-label="Swap baseline and candidate" title="Swap">
        ⇄
      </button>
      <label className="field-inline">
        <span className="field-label-inline">Candidate</span>
        <select className="input" value={b} onChange={(e) => setB(e.target.value)} data-testid="compare-candidate">
          <option value="">Choose a session…</option>
          {options}
        </select>
      </label>
      <button type="button" className="btn btn-primary" disabled={!a || !b || a === b} onClick={() => go(a, b)} data-testid="compare-run">
        Compare
      </button>
      {list.error && <span className="field-error">Sessions unavailable: {list.error}</span>}
    </div>
  );
}
