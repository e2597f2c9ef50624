import { useMemo } from 'react';
import type { SessionReport } from '../../../../core/api/types.js';
import { TimelineChart } from '../../charts/TimelineChart.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { EmptyState } from '../../components/EmptyState.js';
import { fmtInt, fmtMs, fmtTime } from '../../components/format.js';
import { fmtClock } from '../../charts/timeline-options.js';
import { Section } from '../../components/Section.js';
import { Stat, StatRow } from '../../components/Stat.js';
import { exhaustionIntervals, secondsIntoSession } from './session-time.js';

type Pool = NonNullable<SessionReport['pool']>;
type Exhaustion = Pool['events'][number];
type LongHeld = Pool['long_held'][number];

/** The seed's threshold: exhaustion above 1% of the time calls for a bigger pool. */
const EXHAUSTION_WARN_PCT = 1;

/** Session-relative time (what the chart's x axis shows), the wall-clock time on hover. */
function at(r: SessionReport, iso: string): string {
  const s = secondsIntoSession(r, iso);
  return s === null ? fmtTime(iso) : `+${fmtClock(s)}`;
}

const eventColumns = (r: SessionReport): Array<Column<Exhaustion>> => [
  { key: 'start', header: 'Start', render: (e) => at(r, e.start), title: (e) => e.start, sortValue: (e) => e.start },
  { key: 'duration', header: 'Duration', render: (e) => fmtMs(e.duration_ms), sortValue: (e) => e.duration_ms, align: 'right' },
  { key: 'waiting', header: 'Peak waiting', render: (e) => fmtInt(e.peak_waiting), sortValue: (e) => e.peak_waiting, align: 'right' },
];

const heldColumns = (r: SessionReport): Array<Column<LongHeld>> => [
  { key: 'held', header: 'Held', render: (h) => fmtMs(h.held_ms), sortValue: (h) => h.held_ms, align: 'right', width: '96px' },
  { key: 'site', header: 'Call site', render: (h) => (h.call_site ? <code className="mono">{h.call_site}</code> : '—'), title: (h) => h.call_site ?? '' },
  { key: 'at', header: 'Acquired', render: (h) => at(r, h.acquired_at), title: (h) => h.acquired_at, sortValue: (h) => h.acquired_at, width: '96px' },
];

function DistributionTable({ pool }: { pool: Pool }) {
  const rows: Array<[string, Pool['checked_out']]> = [
    ['Checked out', pool.checked_out],
    ['Overflow', pool.overflow],
    ['Waiting', pool.waiting],
  ];
  return (
    <table className="table table-static" aria-label="Pool distribution">
      <thead>
        <tr>
          <th scope="col">Connections</th>
          {['Min', 'Max', 'Avg', 'p95', 'p99'].map((h) => (
            <th scope="col" className="align-right" key={h}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map(([name, d]) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td className="align-right num">{fmtInt(d.min)}</td>
            <td className="align-right num">{fmtInt(d.max)}</td>
            <td className="align-right num">{d.avg.toFixed(1)}</td>
            <td className="align-right num">{fmtInt(d.p95)}</td>
            <td className="align-right num">{fmtInt(d.p99)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function PoolTab({ report: r }: { report: SessionReport }) {
  const pool = r.pool;
  const exhaustion = useMemo(() => exhaustionIntervals(r), [r]);
  const columns = useMemo(() => ({ events: eventColumns(r), held: heldColumns(r) }), [r]);
  if (!pool) return <EmptyState title="No connection pool data">The target&apos;s pool was not instrumented (external targets report pg_stat_activity instead).</EmptyState>;
  return (
    <div className="stack">
      <StatRow>
        <Stat label="Pool size" value={fmtInt(pool.size)} note={`+ ${fmtInt(pool.max_overflow)} overflow`} />
        <Stat label="Checked out" value={`${pool.checked_out.avg.toFixed(1)} / ${fmtInt(pool.checked_out.p95)} / ${fmtInt(pool.checked_out.max)}`} note="avg / p95 / max" />
        <Stat label="Exhaustion events" value={fmtInt(pool.exhaustion_events)} tone={pool.exhaustion_events > 0 ? 'warn' : undefined} />
        <Stat label="Time exhausted" value={`${pool.exhaustion_time_pct.toFixed(2)}%`} note={`target < ${EXHAUSTION_WARN_PCT}%`} tone={pool.exhaustion_time_pct > EXHAUSTION_WARN_PCT ? 'fail' : 'ok'} />
        <Stat label="Avg checkout" value={fmtMs(pool.avg_checkout_ms)} note={`p95 ${fmtMs(pool.checkout_ms.p95)}`} />
        <Stat label="Samples" value={fmtInt(pool.samples)} />
      </StatRow>
      <TimelineChart metric="pool" points={r.timeline} title="Checked-out connections vs pool size (shaded: exhaustion)" poolSize={pool.size} poolMax={pool.size + pool.max_overflow} exhaustion={exhaustion} heightPx={280} testId="pool-chart" />
      <div className="two-col">
        <Section title="Distribution" id="pool-dist-title">
          <DistributionTable pool={pool} />
        </Section>
        <Section title={`Exhaustion events (${pool.events.length})`} id="pool-events-title">
          <DataTable columns={columns.events} rows={pool.events} rowKey={(_e, i) => String(i)} label="Exhaustion events" maxHeightPx={260} empty={<EmptyState title="The pool was never exhausted" />} />
        </Section>
      </div>
      <Section title={`Connections held longest (${pool.long_held.length})`} id="pool-held-title">
        <DataTable columns={columns.held} rows={pool.long_held} rowKey={(_h, i) => String(i)} label="Long-held connections" initialSort={{ key: 'held', dir: 'desc' }} maxHeightPx={300} empty={<EmptyState title="No connection was held unusually long" />} />
      </Section>
    </div>
  );
}
