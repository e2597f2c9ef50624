import type { SessionReport } from '../../../../core/api/types.js';
import { fmtInt, fmtMs } from '../../components/format.js';

/** N+1 patterns are the findings users act on first: they get loud cards, not a table row. */
export function NPlusOneFindings({ findings }: { findings: SessionReport['n_plus_one'] }) {
  if (findings.length === 0) {
    return (
      <div className="callout callout-ok" data-testid="n-plus-one-none">
        ✓ No N+1 query patterns detected.
      </div>
    );
  }
  return (
    <div className="n1-list" data-testid="n-plus-one">
      <div className="callout callout-fail" role="note">
        <strong>
          {findings.length} N+1 query pattern{findings.length === 1 ? '' : 's'} detected
        </strong>{' '}
        — the same statement issued once per item inside one request. Batch it (<code>= ANY($1)</code>) or load eagerly.
      </div>
      {findings.map((f) => (
        <article className="n1-card" key={f.fingerprint} aria-label={`N+1 pattern: ${f.query}`}>
          <header className="n1-head">
            <span className="n1-tag">N+1</span>
            <code className="n1-query" title={f.query}>
              {f.query}
            </code>
          </header>
          <dl className="n1-facts">
            <div>
              <dt>Occurrences</dt>
              <dd>{fmtInt(f.occurrences)}</dd>
            </div>
            <div>
              <dt>{f.detection === 'trace' ? 'Requests affected' : 'Detected by'}</dt>
              <dd>{f.detection === 'trace' ? fmtInt(f.traces_affected) : 'time window'}</dd>
            </div>
            <div>
              <dt>Max in one {f.detection === 'trace' ? 'request' : 'window'}</dt>
              <dd>{fmtInt(f.max_per_trace)}</dd>
            </div>
            <div>
              <dt>Total time</dt>
              <dd>{fmtMs(f.total_duration_ms)}</dd>
            </div>
          </dl>
          <div className="n1-callsite">
            <span className="n1-label">Call site</span>
            {f.call_site ? <code className="mono">{f.call_site}</code> : <span className="muted">not found (no stack frame outside libraries)</span>}
          </div>
          {f.example && (
            <div className="n1-example">
              <span className="n1-label">Example</span>
              <code className="mono">{f.example}</code>
            </div>
          )}
        </article>
      ))}
    </div>
  );
}
