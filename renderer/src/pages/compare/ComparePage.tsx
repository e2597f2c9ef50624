import { useMemo } from 'react';
import type { Comparison } from '../../../../core/api/types.js';
import { useCall } from '../../api/use-call.js';
import { Link, sessionPath } from '../../app/router.js';
import { DataTable } from '../../components/DataTable.js';
import { EmptyState, InlineError, Loading } from '../../components/EmptyState.js';
import { Section } from '../../components/Section.js';
import { CACHE_COLUMNS, FUNCTION_COLUMNS, KIND_COLUMNS, METRIC_COLUMNS, QUERY_COLUMNS } from './compare-columns.js';
import { DistributionCharts, TimelineOverlays } from './CompareCharts.js';
import { ComparePicker } from './ComparePicker.js';

const VERDICT_TEXT: Record<Comparison['verdict'], string> = {
  improved: 'Improved',
  regressed: 'Regressed',
  unchanged: 'No significant change',
};

function Verdict({ cmp }: { cmp: Comparison }) {
  return (
    <div className={`verdict verdict-${cmp.verdict}`} role="status" data-testid="verdict">
      <div className="verdict-word">{VERDICT_TEXT[cmp.verdict]}</div>
      <div className="verdict-headline">{cmp.headline}</div>
      <div className="verdict-sessions">
        <Link to={sessionPath(cmp.baseline.id)}>{cmp.baseline.name}</Link>
        {cmp.baseline.profile ? ` (${cmp.baseline.profile})` : ''} → <Link to={sessionPath(cmp.candidate.id)}>{cmp.candidate.name}</Link>
        {cmp.candidate.profile ? ` (${cmp.candidate.profile})` : ''}
        <span className="muted"> · α = {cmp.alpha}, minimum effect {cmp.min_effect_pct}%</span>
      </div>
    </div>
  );
}

function CompareResult({ baseline, candidate }: { baseline: string; candidate: string }) {
  const key = `${baseline}|${candidate}`;
  const cmp = useCall('sessions/compare', { baseline, candidate }, key);
  const a = useCall('sessions/get', { id: baseline }, baseline);
  const b = useCall('sessions/get', { id: candidate }, candidate);
  const names = useMemo((): [string, string] => [cmp.data?.baseline.name ?? 'baseline', cmp.data?.candidate.name ?? 'candidate'], [cmp.data]);
  if (cmp.error) return <InlineError message={`Comparison failed: ${cmp.error}`} onRetry={cmp.reload} />;
  if (!cmp.data) return <Loading what="comparison" />;
  const c = cmp.data;
  return (
    <div className="stack">
      <Verdict cmp={c} />
      {c.warnings.length > 0 && (
        <ul className="warnings" aria-label="Comparison warnings">
          {c.warnings.map((w) => (
            <li key={w}>! {w}</li>
          ))}
        </ul>
      )}
      <div className="two-col">
        <Section title="Metrics" id="cmp-metrics-title">
          <DataTable columns={METRIC_COLUMNS} rows={c.metrics} rowKey={(m) => m.metric} label="Metrics" rowClassName={(m) => (m.significant ? (m.better ? 'row-better' : 'row-worse') : undefined)} maxHeightPx={520} testId="compare-metrics" />
          <p className="muted small">~ = no statistically significant change. Bold metrics decide the verdict.</p>
        </Section>
        <Section title="Latency by request kind" id="cmp-kinds-title">
          <DataTable columns={KIND_COLUMNS} rows={c.latency_by_kind} rowKey={(k) => k.kind} label="Latency by request kind" maxHeightPx={320} empty={<EmptyState title="No per-kind latency" />} />
        </Section>
      </div>
      <Section title="Query performance: before and after" id="cmp-queries-title">
        <DataTable columns={QUERY_COLUMNS} rows={c.queries} rowKey={(q) => q.fingerprint} label="Queries before and after" initialSort={{ key: 'before', dir: 'desc' }} maxHeightPx={400} empty={<EmptyState title="No queries in either session" />} testId="compare-queries" />
      </Section>
      <Section title="Latency distributions" id="cmp-dist-title">
        <DistributionCharts kinds={c.latency_by_kind} names={names} />
      </Section>
      <Section title="Timelines" id="cmp-timeline-title">
        {a.data && b.data ? <TimelineOverlays a={a.data} b={b.data} names={names} /> : a.error || b.error ? <InlineError message={`Timelines unavailable: ${a.error ?? b.error}`} /> : <Loading what="timelines" />}
      </Section>
      <div className="two-col">
        <Section title="Cache patterns" id="cmp-cache-title">
          <DataTable columns={CACHE_COLUMNS} rows={c.cache_patterns} rowKey={(p) => p.pattern} label="Cache patterns before and after" maxHeightPx={320} empty={<EmptyState title="No cache patterns" />} />
        </Section>
        <Section title="Functions" id="cmp-fn-title">
          <DataTable columns={FUNCTION_COLUMNS} rows={c.functions} rowKey={(f) => f.name} label="Functions before and after" maxHeightPx={320} empty={<EmptyState title="No functions" />} />
        </Section>
      </div>
    </div>
  );
}

export function ComparePage({ baseline, candidate }: { baseline: string | null; candidate: string | null }) {
  return (
    <div className="page">
      <div className="page-head">
        <h1 className="page-title">Compare</h1>
      </div>
      <ComparePicker baseline={baseline} candidate={candidate} />
      {baseline && candidate ? (
        baseline === candidate ? (
          <InlineError message="Choose two different sessions." />
        ) : (
          <CompareResult key={`${baseline}|${candidate}`} baseline={baseline} candidate={candidate} />
        )
      ) : (
        <EmptyState title="Pick two sessions to compare">
          Choose a baseline and a candidate above, or select two rows on the <Link to="/sessions">Sessions</Link> page and press <em>Compare selected</em>.
        </EmptyState>
      )}
    </div>
  );
}
