import { NumberField } from '../../components/Field.js';
import { MIX_HELP, MIX_KINDS, type LoadErrors, type LoadForm } from './load-settings.js';

export function LoadFormFields({ value, onChange, errors }: { value: LoadForm; onChange: (f: LoadForm) => void; errors: LoadErrors }) {
  const set = (patch: Partial<LoadForm>) => onChange({ ...value, ...patch });
  return (
    <>
      <div className="form-grid">
        <NumberField label="Users" value={value.users} onChange={(users) => set({ users })} min={1} max={10000} step={1} error={errors.users} help="Concurrent virtual users" testId="load-users" />
        <NumberField label="Ramp-up (s)" value={value.rampUpS} onChange={(rampUpS) => set({ rampUpS })} min={0} error={errors.rampUpS} help="Users start evenly over this time" testId="load-ramp" />
        <NumberField label="Duration (s)" value={value.durationS} onChange={(durationS) => set({ durationS })} min={1} error={errors.durationS} help="Sustained load after ramp-up" testId="load-duration" />
        <NumberField label="Rate (req/s)" value={value.rate} onChange={(rate) => set({ rate })} min={1} placeholder="closed loop" error={errors.rate} help="Empty: each user sends as fast as answers come (closed loop)" testId="load-rate" />
      </div>
      <fieldset className="fieldset">
        <legend className="field-label">Traffic mix (relative shares)</legend>
        <div className="form-grid form-grid-4">
          {MIX_KINDS.map((k) => (
            <NumberField key={k} label={k} value={value.mix[k]} onChange={(v) => set({ mix: { ...value.mix, [k]: v } })} min={0} help={MIX_HELP[k]} testId={`mix-${k}`} />
          ))}
        </div>
        {errors.mix && <div className="field-error">{errors.mix}</div>}
      </fieldset>
    </>
  );
}
