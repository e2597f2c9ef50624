import { useId, type ReactNode } from 'react';

/** A labelled control with optional help and error text wired through aria-describedby. */
export function Field({ label, help, error, children }: { label: string; help?: ReactNode; error?: string | null; children: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode }) {
  const id = useId();
  const helpId = help ? `${id}-help` : undefined;
  const errId = error ? `${id}-err` : undefined;
  const describedBy = [helpId, errId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {children({ id, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined })}
      {help && (
        <div className="field-help" id={helpId}>
          {help}
        </div>
      )}
      {error && (
        <div className="field-error" id={errId}>
          {error}
        </div>
      )}
    </div>
  );
}

/** A number input that keeps what the user typed (so "1." or "" can be edited) and reports numbers. */
export function NumberField(props: { label: string; value: string; onChange: (v: string) => void; help?: ReactNode; error?: string | null; min?: number; max?: number; step?: number; placeholder?: string; testId?: string }) {
  return (
    <Field label={props.label} help={props.help} error={props.error}>
      {(a) => (
        <input
          {...a}
          className="input input-number"
          type="number"
          inputMode="decimal"
          value={props.value}
          min={props.min}
          max={props.max}
          step={props.step ?? 'any'}
          placeholder={props.placeholder}
          onChange={(e) => props.onChange(e.target.value)}
          data-testid={props.testId}
        />
      )}
    </Field>
  );
}

export function TextField(props: { label: string; value: string; onChange: (v: string) => void; help?: ReactNode; error?: string | null; placeholder?: string; testId?: string; type?: 'text' | 'password' }) {
  return (
    <Field label={props.label} help={props.help} error={props.error}>
      {(a) => (
        <input
          {...a}
          className="input"
          type={props.type ?? 'text'}
          value={props.value}
          placeholder={props.placeholder}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => props.onChange(e.target.value)}
          data-testid={props.testId}
        />
      )}
    </Field>
  );
}
