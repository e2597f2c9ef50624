import { useEffect, useMemo, useState } from 'react';
import type { RecordRequest } from '../../../../core/api/types.js';
import { useApi } from '../../api/api-context.js';
import { useCall } from '../../api/use-call.js';
import { useReportError } from '../../app/error-banner.js';
import { Link, navigate } from '../../app/router.js';
import { TextField } from '../../components/Field.js';
import { Section } from '../../components/Section.js';
import { EmbeddedTargetFields, knobOverrides, profileDefaults, type KnobValues, type Profile } from './EmbeddedTargetFields.js';
import { EMPTY_EXTERNAL, externalParams, ExternalTargetFields, type ExternalForm } from './ExternalTargetFields.js';
import { DEFAULT_LOAD, validateLoad, type LoadForm } from './load-settings.js';
import { LoadFormFields } from './LoadFormFields.js';

type Mode = 'embedded' | 'external';

export function NewSessionPage() {
  const api = useApi();
  const report = useReportError();
  const describe = useCall('embedded/describe', {}, 'describe');
  const active = useCall('recording/active', {}, 'active');
  const [mode, setMode] = useState<Mode>('embedded');
  const [profile, setProfile] = useState<Profile>('baseline');
  const [knobs, setKnobs] = useState<KnobValues>({});
  const [external, setExternal] = useState<ExternalForm>(EMPTY_EXTERNAL);
  const [load, setLoad] = useState<LoadForm>(DEFAULT_LOAD);
  const [name, setName] = useState('');
  const [starting, setStarting] = useState(false);
  const [submitted, setSubmitted] = useState(false);

  // A new profile resets the knobs to its defaults (the user edits on top of a profile).
  useEffect(() => {
    if (describe.data) setKnobs(profileDefaults(describe.data, profile));
  }, [describe.data, profile]);

  const validation = useMemo(() => validateLoad(load), [load]);
  const externalMissing = mode === 'external' && !externalParams(external).targetUrl;
  const errors = submitted ? validation.errors : {};

  const start = async () => {
    setSubmitted(true);
    if (!validation.load || externalMissing) return;
    const target: RecordRequest['target'] =
      mode === 'embedded'
        ? { kind: 'embedded', profile, ...(describe.data ? { knobs: knobOverrides(describe.data, profile, knobs) } : {}) }
        : { kind: 'external', ...externalParams(external), targetUrl: externalParams(external).targetUrl ?? '' };
    const req: RecordRequest = { target, load: validation.load };
    if (name.trim()) req.name = name.trim();
    setStarting(true);
    try {
      const r = await api.call('recording/start', req);
      navigate(`/recording/${encodeURIComponent(r.sessionId)}`);
    } catch (err) {
      report(err, 'Could not start recording');
      setStarting(false);
    }
  };

  return (
    <div className="page page-narrow">
      <div className="page-head">
        <h1 className="page-title">New session</h1>
      </div>
      {active.data && (
        <div className="banner banner-info" role="status">
          <span className="banner-text">“{active.data.name}” is recording now.</span>
          <Link to={`/recording/${encodeURIComponent(active.data.sessionId)}`} className="btn btn-small">
            Watch it
          </Link>
        </div>
      )}
      <Section title="Target" id="target-title">
        <div className="segmented" role="radiogroup" aria-label="Target kind">
          {(['embedded', 'external'] as const).map((m) => (
            <label key={m} className={`segment${mode === m ? ' segment-active' : ''}`}>
              <input type="radio" name="mode" value={m} checked={mode === m} onChange={() => setMode(m)} className="visually-hidden" />
              {m === 'embedded' ? 'Embedded SARK server' : 'External target'}
            </label>
          ))}
        </div>
        <div className="section-body">
          {mode === 'embedded' ? (
            <EmbeddedTargetFields desc={describe.data} descError={describe.error} profile={profile} onProfile={setProfile} knobs={knobs} onKnobs={setKnobs} />
          ) : (
            <>
              <ExternalTargetFields value={external} onChange={setExternal} />
              {submitted && externalMissing && <div className="field-error">An external target needs its service URL.</div>}
            </>
          )}
        </div>
      </Section>
      <Section title="Load profile" id="load-title">
        <LoadFormFields value={load} onChange={setLoad} errors={errors} />
      </Section>
      <Section title="Start" id="start-title">
        <div className="form-grid form-grid-1">
          <TextField label="Session name (optional)" value={name} onChange={setName} placeholder={mode === 'embedded' ? `embedded ${profile}` : 'external run'} testId="session-name" />
        </div>
        <div className="row-actions">
          <button type="button" className="btn btn-primary btn-large" onClick={() => void start()} disabled={starting || Boolean(active.data)} data-testid="start-recording">
            {starting ? 'Starting…' : 'Start recording'}
          </button>
          {active.data && <span className="muted">One recording at a time.</span>}
        </div>
      </Section>
    </div>
  );
}
