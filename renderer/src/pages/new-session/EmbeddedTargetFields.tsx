import type { EmbeddedDescription, KnobInfo } from '../../../../core/api/types.js';
import { InlineError, Loading } from '../../components/EmptyState.js';

export type Profile = 'baseline' | 'optimized';
export type KnobValues = Record<string, boolean | number>;

export function profileDefaults(desc: EmbeddedDescription, profile: Profile): KnobValues {
  return Object.fromEntries(desc.knobs.map((k) => [k.name, k.defaults[profile]]));
}

/** Only knobs that differ from the profile go to the backend, so the session records the intent. */
export function knobOverrides(desc: EmbeddedDescription, profile: Profile, values: KnobValues): KnobValues {
  return Object.fromEntries(desc.knobs.filter((k) => values[k.name] !== undefined && values[k.name] !== k.defaults[profile]).map((k) => [k.name, values[k.name] as boolean | number]));
}

function KnobInput({ knob, value, onChange }: { knob: KnobInfo; value: boolean | number; onChange: (v: boolean | number) => void }) {
  const id = `knob-${knob.name}`;
  if (knob.type === 'boolean') {
    return <input id={id} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} aria-describedby={`${id}-help`} />;
  }
  return (
    <input
      id={id}
      className="input input-number input-narrow"
      type="number"
      value={String(value)}
      min={knob.min}
      max={knob.max}
      step={knob.type === 'integer' ? 1 : 'any'}
      aria-describedby={`${id}-help`}
      onChange={(e) => {
        const n = Number(e.target.value);
        if (e.target.value !== '' && Number.isFinite(n)) onChange(knob.type === 'integer' ? Math.round(n) : n);
      }}
    />
  );
}

export function EmbeddedTargetFields(props: {
  desc: EmbeddedDescription | null;
  descError: string | null;
  profile: Profile;
  onProfile: (p: Profile) => void;
  knobs: KnobValues;
  onKnobs: (k: KnobValues) => void;
}) {
  const { desc, profile, knobs } = props;
  return (
    <div className="stack">
      <fieldset className="fieldset">
        <legend className="field-label">Profile</legend>
        <div className="segmented" role="radiogroup" aria-label="Profile">
          {(desc?.profiles ?? ['baseline', 'optimized']).map((p) => (
            <label key={p} className={`segment${profile === p ? ' segment-active' : ''}`}>
              <input type="radio" name="profile" value={p} checked={profile === p} onChange={() => props.onProfile(p)} className="visually-hidden" />
              {p}
            </label>
          ))}
        </div>
        <div className="field-help">
          <strong>baseline</strong> reproduces the system before the seed report&apos;s fixes (N+1 lookups, no analytics index, pool of 20); <strong>optimized</strong> applies every fix.
        </div>
      </fieldset>
      {props.descError && <InlineError message={`Could not load the embedded server's knobs: ${props.descError}`} />}
      {!desc && !props.descError && <Loading what="knobs" />}
      {desc && (
        <details className="knobs">
          <summary>
            Knobs <span className="muted">({Object.keys(knobOverrides(desc, profile, knobs)).length} changed from {profile})</span>
          </summary>
          <table className="table table-static knob-table">
            <tbody>
              {desc.knobs.map((k) => {
                const v = knobs[k.name] ?? k.defaults[profile];
                const changed = v !== k.defaults[profile];
                return (
                  <tr key={k.name} className={changed ? 'row-changed' : undefined}>
                    <th scope="row" className="knob-name">
                      <label htmlFor={`knob-${k.name}`}>{k.name}</label>
                    </th>
                    <td className="knob-input">
                      <KnobInput knob={k} value={v} onChange={(nv) => props.onKnobs({ ...knobs, [k.name]: nv })} />
                    </td>
                    <td className="knob-help" id={`knob-${k.name}-help`}>
                      {k.description}
                      {changed && <span className="muted"> (profile default: {String(k.defaults[profile])})</span>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <button type="button" className="btn btn-small" onClick={() => props.onKnobs(profileDefaults(desc, profile))}>
            Reset to {profile} defaults
          </button>
        </details>
      )}
    </div>
  );
}
