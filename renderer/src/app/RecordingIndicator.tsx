import { useEffect, useState } from 'react';
import { useApi, useApiEvent, useConnectionState } from '../api/api-context.js';
import { fmtDuration } from '../components/format.js';
import { Link } from './router.js';

/** A header link to the running recording, from any page (recordings outlive the page that started them). */
export function RecordingIndicator() {
  const api = useApi();
  const connection = useConnectionState();
  const [active, setActive] = useState<{ id: string; name: string; elapsedS: number } | null>(null);

  useEffect(() => {
    if (connection !== 'open') return;
    let current = true;
    api.call('recording/active', {}).then(
      (a) => current && setActive(a ? { id: a.sessionId, name: a.name, elapsedS: a.progress?.elapsed_s ?? 0 } : null),
      () => undefined, // the page that needs it reports failures; the header stays quiet
    );
    return () => {
      current = false;
    };
  }, [api, connection]);

  useApiEvent('recording/progress', (p) => setActive({ id: p.sessionId, name: p.name, elapsedS: p.elapsed_s }));
  useApiEvent('recording/finished', (f) => setActive((a) => (a?.id === f.sessionId ? null : a)));

  if (!active) return null;
  return (
    <Link to={`/recording/${encodeURIComponent(active.id)}`} className="rec-indicator" title={`Recording ${active.name}`}>
      <span className="rec-dot" aria-hidden="true" />
      Recording {active.name} · {fmtDuration(active.elapsedS)}
    </Link>
  );
}
