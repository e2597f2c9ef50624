import { useState } from 'react';
import type { ApiParams, SessionReport } from '../../../../core/api/types.js';
import { useApi } from '../../api/api-context.js';
import { useReportError } from '../../app/error-banner.js';
import { navigate } from '../../app/router.js';
import { TextField } from '../../components/Field.js';

type Choice = 'same' | 'embedded' | 'external';

/** replay/start: the recorded request sequence again, against the same or another target. */
export function RerunForm({ report: r }: { report: SessionReport }) {
  const api = useApi();
  const reportError = useReportError();
  const [choice, setChoice] = useState<Choice>('same');
  const [profile, setProfile] = useState<'baseline' | 'optimized'>(r.session.profile === 'baseline' ? 'optimized' : 'baseline');
  const [url, setUrl] = useState('');
  const [fast, setFast] = useState(false);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const start = async () => {
    const params: ApiParams<'replay/start'> = { sessionId: r.session.id, asFastAsPossible: fast };
    if (name.trim()) params.name = name.trim();
    if (choice === 'embedded') params.target = { kind: 'embedded', profile };
    if (choice === 'external') {
      if (!url.trim()) {
        setProblem('Enter the service URL to replay against.');
        return;
      }
      params.target = { kind: 'external', targetUrl: url.trim() };
    }
    setProblem(null);
    setBusy(true);
    try {
      const res = await api.call('replay/start', params);
      navigate(`/recording/${encodeURIComponent(res.sessionId)}`);
    } catch (err) {
      reportError(err, 'Could not start the replay');
      setBusy(false);
    }
  };

  return (
    <div className="stack">
      <div className="segmented" role="radiogroup" aria-label="Replay target">
        {(
          [
            ['same', 'Same target'],
            ['embedded', 'Embedded server'],
            ['external', 'External URL'],
          ] as const
        ).map(([c, label]) => (
          <label key={c} className={`segment${choice === c ? ' segment-active' : ''}`}>
            <input type="radio" name="rerun-target" className="visually-hidden" checked={choice === c} onChange={() => setChoice(c)} />
            {label}
          </label>
        ))}
      </div>
      {choice === 'embedded' && (
        <label className="field-inline">
          <span className="field-label-inline">Profile</span>
          <select className="input" value={profile} onChange={(e) => setProfile(e.target.value === 'optimized' ? 'optimized' : 'baseline')}>
            <option value="baseline">baseline</option>
            <option value="optimized">optimized</option>
          </select>
        </label>
      )}
      {choice === 'external' && <TextField label="Service URL" value={url} onChange={setUrl} placeholder="http://127.0.0.1:8000" error={problem} />}
      <div className="form-grid form-grid-1">
        <TextField label="Name of the new session (optional)" value={name} onChange={setName} placeholder={`replay of ${r.session.name}`} />
      </div>
      <label className="check">
        <input type="checkbox" checked={fast} onChange={(e) => setFast(e.target.checked)} /> As fast as possible (ignore the recorded timing)
      </label>
      <div className="row-actions">
        <button type="button" className="btn btn-primary" onClick={() => void start()} disabled={busy}>
          {busy ? 'Starting…' : 'Re-run workload'}
        </button>
      </div>
    </div>
  );
}
