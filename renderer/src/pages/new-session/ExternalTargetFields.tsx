import { useState } from 'react';
import type { ConnectionCheck, ConnectionTestResult } from '../../../../core/api/types.js';
import { useApi } from '../../api/api-context.js';
import { errorText } from '../../api/errors.js';
import { TextField } from '../../components/Field.js';

export interface ExternalForm {
  targetUrl: string;
  pg: string;
  redis: string;
}

export const EMPTY_EXTERNAL: ExternalForm = { targetUrl: '', pg: '', redis: '' };

/** Only filled-in parts are sent; an empty field means "not part of this target". */
export function externalParams(f: ExternalForm): { targetUrl?: string; pg?: string; redis?: string } {
  const out: { targetUrl?: string; pg?: string; redis?: string } = {};
  if (f.targetUrl.trim()) out.targetUrl = f.targetUrl.trim();
  if (f.pg.trim()) out.pg = f.pg.trim();
  if (f.redis.trim()) out.redis = f.redis.trim();
  return out;
}

const PARTS: Array<{ key: keyof ConnectionTestResult; label: string }> = [
  { key: 'target', label: 'Service' },
  { key: 'pg', label: 'PostgreSQL' },
  { key: 'redis', label: 'Redis' },
];

function CheckLine({ label, check }: { label: string; check: ConnectionCheck }) {
  return (
    <li className={`check-line ${check.ok ? 'check-ok' : 'check-fail'}`} data-testid={`conn-${label.toLowerCase()}`}>
      <span className="check-icon" aria-hidden="true">
        {check.ok ? '✓' : '✕'}
      </span>
      <span className="check-part">{label}</span>
      <span className="check-message">
        <span className="visually-hidden">{check.ok ? 'works: ' : 'fails: '}</span>
        {check.message}
        {check.warnings?.map((w) => (
          <span className="check-warning" key={w}>
            ! {w}
          </span>
        ))}
      </span>
    </li>
  );
}

export function ExternalTargetFields({ value, onChange }: { value: ExternalForm; onChange: (f: ExternalForm) => void }) {
  const api = useApi();
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<ConnectionTestResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const params = externalParams(value);
  const nothing = Object.keys(params).length === 0;

  const test = async () => {
    setTesting(true);
    setError(null);
    setResult(null);
    try {
      setResult(await api.call('targets/test', params));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setTesting(false);
    }
  };

  return (
    <div className="stack">
      <div className="form-grid form-grid-1">
        <TextField label="Service URL" value={value.targetUrl} onChange={(targetUrl) => onChange({ ...value, targetUrl })} placeholder="http://127.0.0.1:8000" help="The authorization service the load is sent to (SARK's HTTP API)" testId="ext-target" />
        <TextField label="PostgreSQL URL" value={value.pg} onChange={(pg) => onChange({ ...value, pg })} placeholder="postgres://user:password@host:5432/db" help="Optional: read-only probes (pg_stat_statements, pg_stat_activity); the password is never stored" testId="ext-pg" />
        <TextField label="Redis URL" value={value.redis} onChange={(redis) => onChange({ ...value, redis })} placeholder="redis://host:6379/0" help="Optional: INFO and SLOWLOG probes of the decision cache" testId="ext-redis" />
      </div>
      <div className="row-actions">
        <button type="button" className="btn" onClick={() => void test()} disabled={testing || nothing}>
          {testing ? 'Testing…' : 'Test connection'}
        </button>
        {nothing && <span className="muted">Fill in at least one URL to test it.</span>}
      </div>
      <div aria-live="polite" data-testid="connection-result">
        {error && (
          <div className="banner banner-error" role="alert">
            <span className="banner-text">Connection test failed: {error}</span>
          </div>
        )}
        {result && (
          <ul className="check-list">
            {PARTS.map((p) => {
              const check = result[p.key];
              return check ? <CheckLine key={p.key} label={p.label} check={check} /> : null;
            })}
          </ul>
        )}
      </div>
    </div>
  );
}
