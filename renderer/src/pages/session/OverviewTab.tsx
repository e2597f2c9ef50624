import { useCallback, useEffect, useRef } from 'react';
import type { SessionReport } from '../../../../core/api/types.js';
import { TimelineChart } from '../../charts/TimelineChart.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { fmtDuration, fmtInt, fmtMs, fmtPct, fmtRate } from '../../components/format.js';
import { Section } from '../../components/Section.js';
import { Stat, StatRow } from '../../components/Stat.js';
import { ChecksTable } from './ChecksTable.js';

type KindRow = SessionReport['latency']['by_kind'][number];

const KIND_COLUMNS: Array<Column<KindRow>> = [
  { key: 'kind', header: 'Kind', render: (k) => k.kind, sortValue: (k) => k.kind },
  { key: 'requests', header: 'Requests', render: (k) => fmtInt(k.requests), sortValue: (k) => k.requests, align: 'right', width: '84px' },
  { key: 'errors', header: 'Errors', render: (k) => fmtInt(k.errors), sortValue: (k) => k.errors, align: 'right', width: '60px' },
  { key: 'mean', header: 'Mean', render: (k) => fmtMs(k.latency_ms.mean), sortValue: (k) => k.latency_ms.mean, align: 'right' },
  { key: 'p50', header: 'p50', render: (k) => fmtMs(k.latency_ms.p50), sortValue: (k) => k.latency_ms.p50, align: 'right' },
  { key: 'p95', header: 'p95', render: (k) => fmtMs(k.latency_ms.p95), sortValue: (k) => k.latency_ms.p95, align: 'right' },
  { key: 'p99', header: 'p99', render: (k) => fmtMs(k.latency_ms.p99), sortValue: (k) => k.latency_ms.p99, align: 'right' },
  { key: 'max', header: 'Max', render: (k) => fmtMs(k.latency_ms.max), sortValue: (k) => k.latency_ms.max, align: 'right' },
];

/** Name of the performance mark test/bench/ui-overview.ts reads: the Overview has painted its charts. */
export const OVERVIEW_READY_MARK = 'sark:overview-ready';
const OVERVIEW_CHARTS = 2;

export function OverviewTab({ report: r }: { report: SessionReport }) {
  const s = r.summary;
  const errorRate = s.requests > 0 ? s.errors / s.requests : null;
  const errorClasses = Object.entries(r.latency.errors_by_class).filter(([, v]) => v > 0);
  const rendered = useRef(0);
  const marked = useRef(false);
  const ready = useRef<HTMLDivElement>(null);
  const onRendered = useCallback(() => {
    rendered.current += 1;
    if (rendered.current >= OVERVIEW_CHARTS && !marked.current) {
      marked.current = true;
      // After the next frame the canvases have painted; that is what the user sees.
      requestAnimationFrame(() => {
        performance.mark(OVERVIEW_READY_MARK);
        ready.current?.setAttribute('data-ready', 'true');
      });
    }
  }, []);
  useEffect(() => {
    if (r.timeline.length > 0) return; // the charts report themselves
    for (let i = 0; i < OVERVIEW_CHARTS; i++) onRendered();
  }, [r.timeline.length, onRendered]);

  return (
    <div className="stack" ref={ready} data-testid="overview">
      <StatRow>
        <Stat label="Requests" value={fmtInt(s.requests)} note={`in ${fmtDuration(r.session.duration_s)}`} />
        <Stat label="Throughput" value={fmtRate(s.throughput_rps)} />
        <Stat label="p50" value={fmtMs(s.latency_ms.p50)} />
        <Stat label="p95" value={fmtMs(s.latency_ms.p95)} />
        <Stat label="p99" value={fmtMs(s.latency_ms.p99)} />
        <Stat label="Errors" value={fmtInt(s.errors)} note={errorRate === null ? undefined : fmtPct(errorRate, 2)} tone={s.errors > 0 ? 'fail' : undefined} />
        <Stat label="Cache hit rate" value={fmtPct(s.cache_hit_rate)} />
      </StatRow>
      <div className="two-col">
        <Section title="Critical metrics" id="checks-title">
          <ChecksTable checks={s.checks} />
        </Section>
        <Section title="Latency by request kind" id="kinds-title">
          <DataTable columns={KIND_COLUMNS} rows={r.latency.by_kind} rowKey={(k) => k.kind} label="Latency by request kind" initialSort={{ key: 'requests', dir: 'desc' }} maxHeightPx={320} />
          {errorClasses.length > 0 && (
            <p className="muted small">
              Errors by class:{' '}
              {errorClasses
                .map(([k, v]) => `${k} ${fmtInt(v)}`)
                .join(' · ')}
            </p>
          )}
        </Section>
      </div>
      <div className="chart-grid chart-grid-2">
        <TimelineChart metric="rps" points={r.timeline} title="Throughput" testId="overview-rps" onRendered={onRendered} />
        <TimelineChart metric="latency" points={r.timeline} title="Latency p50 / p95 / p99" testId="overview-latency" onRendered={onRendered} />
      </div>
    </div>
  );
}
