import { describe, expect, it } from 'vitest';
import { buildLog, countUpTo } from '../../../renderer/src/pages/session/replay-events.js';
import { makeReport, syntheticTimeline } from '../../fixtures/report.js';

describe('replay event log', () => {
  const startedAt = '2026-11-26T12:00:00.000Z';
  const t0 = Date.parse(startedAt);

  it('places store events (wall-clock ms) at their second into the session, in order', () => {
    const r = makeReport();
    const log = buildLog({ ...r, session: { ...r.session, started_at: startedAt } }, [
      { t_ms: t0 + 12_500, level: 'info', kind: 'phase', message: 'phase draining' },
      { t_ms: t0 + 10, level: 'info', kind: 'start', message: 'recording' },
    ]);
    expect(log.map((e) => [e.kind, e.tS])).toEqual([
      ['start', 0.01],
      ['phase', 12.5],
    ]);
  });

  it('adds what the timeline shows: the start of an error burst, pool waits and p99 spikes', () => {
    const timeline = syntheticTimeline({ seconds: 30, jitter: 0 }).map((p) =>
      p.t_s === 10 ? { ...p, errors: 4 } : p.t_s === 20 ? { ...p, pool_waiting: 3, p99_ms: p.p99_ms * 10 } : p,
    );
    const log = buildLog({ ...makeReport(), timeline }, []);
    expect(log.map((e) => `${e.tS}:${e.kind}`)).toEqual(['10:errors', '20:pool', '20:latency']);
    expect(log.find((e) => e.kind === 'latency')?.level).toBe('warn');
  });

  it('counts the timeline points up to a time (the scrubber position)', () => {
    const points = syntheticTimeline({ seconds: 100 });
    expect(countUpTo(points, -1)).toBe(0);
    expect(countUpTo(points, 0)).toBe(1);
    expect(countUpTo(points, 49.5)).toBe(50);
    expect(countUpTo(points, 1000)).toBe(100);
  });
});
