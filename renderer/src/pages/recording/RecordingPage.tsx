import { useEffect, useRef, useState } from 'react';
import type { RecordingProgress, TimelinePoint } from '../../../../core/api/types.js';
import { useApi, useApiEvent } from '../../api/api-context.js';
import { errorText } from '../../api/errors.js';
import { useReportError } from '../../app/error-banner.js';
import { Link, navigate, sessionPath } from '../../app/router.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { InlineError } from '../../components/EmptyState.js';
import { fmtDuration } from '../../components/format.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { LiveCharts } from './LiveCharts.js';
import { LiveNumbers } from './LiveNumbers.js';

/** A day of one-second points; beyond it the oldest are dropped (charts downsample anyway). */
const MAX_LIVE_POINTS = 86_400;
/** Screen readers hear the elapsed time this often, not every second. */
const ANNOUNCE_EVERY_S = 10;

export function RecordingPage({ sessionId }: { sessionId: string }) {
  const api = useApi();
  const report = useReportError();
  const [progress, setProgress] = useState<RecordingProgress | null>(null);
  const [points, setPoints] = useState<TimelinePoint[]>([]);
  const [state, setState] = useState<'loading' | 'live' | 'stopping' | 'failed'>('loading');
  const [failure, setFailure] = useState<string | null>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [announce, setAnnounce] = useState('');
  const lastAnnounced = useRef(-ANNOUNCE_EVERY_S);

  useEffect(() => {
    let current = true;
    api.call('recording/active', {}).then(
      (active) => {
        if (!current) return;
        if (active && active.sessionId === sessionId) {
          setState('live');
          if (active.progress) setProgress(active.progress);
          // Reopened mid-run: fill the charts with what was recorded so far.
          api.call('sessions/get', { id: sessionId }).then(
            (r) => current && setPoints((p) => (p.length === 0 ? r.timeline : p)),
            () => undefined,
          );
        } else {
          navigate(sessionPath(sessionId), { replace: true }); // already over: show the result
        }
      },
      (err: unknown) => {
        if (!current) return;
        setFailure(errorText(err));
        setState('failed');
      },
    );
    return () => {
      current = false;
    };
  }, [api, sessionId]);

  useApiEvent('recording/progress', (p) => {
    if (p.sessionId !== sessionId) return;
    setState((s) => (s === 'loading' ? 'live' : s));
    setProgress(p);
    if (p.point) {
      const point = p.point;
      setPoints((prev) => {
        const next = prev.length > 0 && prev[prev.length - 1]?.t_s === point.t_s ? prev.slice(0, -1) : prev.slice();
        next.push(point);
        return next.length > MAX_LIVE_POINTS ? next.slice(next.length - MAX_LIVE_POINTS) : next;
      });
    }
    if (p.elapsed_s - lastAnnounced.current >= ANNOUNCE_EVERY_S) {
      lastAnnounced.current = p.elapsed_s;
      setAnnounce(`Recording: ${fmtDuration(p.elapsed_s)} elapsed${p.total_s ? ` of ${fmtDuration(p.total_s)}` : ''}, ${Math.round(p.rps)} requests per second.`);
    }
  });

  useApiEvent('recording/finished', (f) => {
    if (f.sessionId !== sessionId) return;
    if (f.status === 'failed') {
      setFailure(f.error ?? 'the recording failed');
      setState('failed');
      return;
    }
    navigate(sessionPath(sessionId), { replace: true });
  });

  const stop = async (cancel: boolean) => {
    setConfirmCancel(false);
    setState('stopping');
    try {
      await api.call('recording/stop', { sessionId, cancel });
    } catch (err) {
      report(err, cancel ? 'Cancel failed' : 'Stop failed');
      setState('live');
    }
  };

  const elapsed = progress?.elapsed_s ?? 0;
  const total = progress?.total_s ?? null;
  return (
    <div className="page">
      <div className="page-head">
        <h1 className="page-title">
          Recording <span className="muted">{progress?.name ?? sessionId}</span>
        </h1>
        <div className="page-actions">
          <button type="button" className="btn btn-primary" onClick={() => void stop(false)} disabled={state !== 'live'} data-testid="stop-recording">
            {state === 'stopping' ? 'Stopping…' : 'Stop'}
          </button>
          <button type="button" className="btn btn-danger-outline" onClick={() => setConfirmCancel(true)} disabled={state !== 'live'}>
            Cancel…
          </button>
        </div>
      </div>
      {state === 'failed' && failure && (
        <>
          <InlineError message={`Recording failed: ${failure}`} />
          <p>
            <Link to={sessionPath(sessionId)}>Open what was recorded</Link> · <Link to="/new">Start another</Link>
          </p>
        </>
      )}
      <div className="progress-block">
        <ProgressBar value={elapsed} max={total} label="Recording progress" />
        <div className="progress-text" data-testid="progress-text">
          <span>{progress?.phase ?? (state === 'loading' ? 'starting' : '')}</span>
          <span data-testid="elapsed">
            {fmtDuration(elapsed)}
            {total !== null ? ` / ${fmtDuration(total)}` : ''}
          </span>
        </div>
        <div className="visually-hidden" aria-live="polite">
          {announce}
        </div>
      </div>
      <LiveNumbers progress={progress} />
      <LiveCharts points={points} totalS={total} poolSize={progress?.pool_size ?? null} />
      <ConfirmDialog open={confirmCancel} title="Cancel this recording?" confirmLabel="Cancel recording" danger onConfirm={() => void stop(true)} onCancel={() => setConfirmCancel(false)}>
        <p>The session is kept as cancelled; its data is not analysed. Use Stop to end early and keep the analysis.</p>
      </ConfirmDialog>
    </div>
  );
}
