import { useEffect, useMemo, useRef, useState } from 'react';
import type { SessionReport } from '../../../../core/api/types.js';
import { useCall } from '../../api/use-call.js';
import { EmptyState } from '../../components/EmptyState.js';
import { fmtInt, fmtMs, fmtPct, fmtRate } from '../../components/format.js';
import { Section } from '../../components/Section.js';
import { Stat, StatRow } from '../../components/Stat.js';
import { fmtClock } from '../../charts/timeline-options.js';
import { LiveCharts } from '../recording/LiveCharts.js';
import { buildLog, countUpTo } from './replay-events.js';
import { RerunForm } from './RerunForm.js';
import { exhaustionIntervals } from './session-time.js';

const SPEEDS = [1, 2, 5, 10] as const;
/** Playback tick: 10 updates a second look smooth without re-rendering the charts needlessly. */
const TICK_MS = 100;
/** The log shows the most recent entries up to t; older ones scroll away. */
const MAX_LOG_LINES = 300;

export function ReplayTab({ report: r }: { report: SessionReport }) {
  const events = useCall('sessions/events', { id: r.session.id }, r.session.id);
  const lastT = r.timeline.length > 0 ? (r.timeline[r.timeline.length - 1]?.t_s ?? 0) : 0;
  const durationS = Math.max(lastT, Math.ceil(r.session.duration_s));
  const [t, setT] = useState(durationS);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<(typeof SPEEDS)[number]>(1);
  const logRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      setT((prev) => {
        const next = prev + (speed * TICK_MS) / 1000;
        if (next >= durationS) {
          setPlaying(false);
          return durationS;
        }
        return next;
      });
    }, TICK_MS);
    return () => clearInterval(timer);
  }, [playing, speed, durationS]);

  // Whole seconds drive the charts: sub-second ticks would rebuild identical options.
  const second = Math.floor(t);
  const n = countUpTo(r.timeline, second);
  const points = useMemo(() => r.timeline.slice(0, n), [r.timeline, n]);
  const log = useMemo(() => buildLog(r, events.data ?? []), [r, events.data]);
  const visibleLog = useMemo(() => log.filter((e) => e.tS <= second).slice(-MAX_LOG_LINES), [log, second]);
  const allExhaustion = useMemo(() => exhaustionIntervals(r), [r]);
  const exhaustion = useMemo(() => allExhaustion.filter(([a]) => a <= second).map(([a, b]): [number, number] => [a, Math.min(b, second)]), [allExhaustion, second]);
  const totals = useMemo(() => {
    let requests = 0;
    let errors = 0;
    for (const p of points) {
      requests += p.rps;
      errors += p.errors;
    }
    return { requests, errors };
  }, [points]);
  const at = points[points.length - 1];

  useEffect(() => {
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [visibleLog.length]);

  const play = () => {
    if (t >= durationS) setT(0);
    setPlaying((p) => !p);
  };

  if (r.timeline.length === 0) return <EmptyState title="Nothing to replay">This session has no per-second timeline.</EmptyState>;
  return (
    <div className="stack">
      <div className="scrubber" role="group" aria-label="Replay controls">
        <button type="button" className="btn btn-primary" onClick={play} aria-label={playing ? 'Pause' : 'Play'} data-testid="replay-play">
          {playing ? '❚❚ Pause' : '▶ Play'}
        </button>
        <input
          type="range"
          className="scrubber-range"
          min={0}
          max={durationS}
          step={1}
          value={second}
          onChange={(e) => {
            setPlaying(false);
            setT(Number(e.target.value));
          }}
          aria-label="Time in session"
          aria-valuetext={`${fmtClock(second)} of ${fmtClock(durationS)}`}
          data-testid="replay-range"
        />
        <span className="scrubber-time mono" data-testid="replay-time">
          {fmtClock(second)} / {fmtClock(durationS)}
        </span>
        <div className="segmented segmented-small" role="radiogroup" aria-label="Playback speed">
          {SPEEDS.map((s) => (
            <label key={s} className={`segment${speed === s ? ' segment-active' : ''}`}>
              <input type="radio" name="replay-speed" className="visually-hidden" checked={speed === s} onChange={() => setSpeed(s)} />
              {s}×
            </label>
          ))}
        </div>
      </div>
      <StatRow>
        <Stat label="Requests so far" value={<span data-testid="replay-requests">{fmtInt(totals.requests)}</span>} />
        <Stat label="Throughput at t" value={fmtRate(at?.rps)} />
        <Stat label="p95 at t" value={fmtMs(at?.p95_ms)} />
        <Stat label="Errors so far" value={fmtInt(totals.errors)} tone={totals.errors > 0 ? 'fail' : undefined} />
        <Stat label="Hit rate at t" value={fmtPct(at?.cache_hit_rate)} />
        <Stat label="Pool at t" value={at?.pool_checked_out === null || at?.pool_checked_out === undefined ? '—' : `${fmtInt(at.pool_checked_out)} / ${fmtInt(r.pool?.size)}`} />
      </StatRow>
      <div className="replay-layout">
        <LiveCharts points={points} totalS={durationS} poolSize={r.pool?.size ?? null} poolMax={r.pool ? r.pool.size + r.pool.max_overflow : null} exhaustion={exhaustion} />
        <Section title="Event log" id="replay-log-title">
          {events.error && <p className="field-error">Session events unavailable: {events.error}</p>}
          {visibleLog.length === 0 ? (
            <p className="muted">No events up to {fmtClock(second)}.</p>
          ) : (
            <ol className="event-log" ref={logRef} aria-label="Events up to the current time" data-testid="event-log">
              {visibleLog.map((e, i) => (
                <li key={`${i}-${e.tS}-${e.kind}`} className={`log-${e.level}`}>
                  <span className="log-time mono">{fmtClock(e.tS)}</span>
                  <span className="log-kind">{e.kind}</span>
                  <span className="log-msg">{e.message}</span>
                </li>
              ))}
            </ol>
          )}
        </Section>
      </div>
      <Section title="Re-run this workload" id="rerun-title">
        <RerunForm report={r} />
      </Section>
    </div>
  );
}
