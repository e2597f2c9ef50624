import type { SessionReport } from '../../../../core/api/types.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { EmptyState } from '../../components/EmptyState.js';
import { fmtInt, fmtMs, fmtTime } from '../../components/format.js';
import { Section } from '../../components/Section.js';
import { Stat, StatRow } from '../../components/Stat.js';
import { NPlusOneFindings } from './NPlusOneFindings.js';

type Fp = SessionReport['queries']['by_fingerprint'][number];
type Slow = SessionReport['slow_queries'][number];

const FP_COLUMNS: Array<Column<Fp>> = [
  { key: 'query', header: 'Query (normalised)', render: (q) => <code className="mono">{q.query}</code>, title: (q) => q.query, sortValue: (q) => q.query },
  { key: 'count', header: 'Count', render: (q) => fmtInt(q.count), sortValue: (q) => q.count, align: 'right', width: '84px' },
  { key: 'total', header: 'Total', render: (q) => fmtMs(q.total_ms), sortValue: (q) => q.total_ms, align: 'right', width: '84px' },
  { key: 'mean', header: 'Mean', render: (q) => fmtMs(q.mean_ms), sortValue: (q) => q.mean_ms, align: 'right', width: '80px' },
  { key: 'p95', header: 'p95', render: (q) => fmtMs(q.p95_ms), sortValue: (q) => q.p95_ms, align: 'right', width: '80px' },
  { key: 'p99', header: 'p99', render: (q) => fmtMs(q.p99_ms), sortValue: (q) => q.p99_ms, align: 'right', width: '80px' },
  { key: 'max', header: 'Max', render: (q) => fmtMs(q.max_ms), sortValue: (q) => q.max_ms, align: 'right', width: '80px' },
  { key: 'rows', header: 'Rows', render: (q) => fmtInt(q.rows), sortValue: (q) => q.rows, align: 'right', width: '84px' },
  { key: 'errors', header: 'Errors', render: (q) => fmtInt(q.errors), sortValue: (q) => q.errors, align: 'right', width: '64px' },
];

const SLOW_COLUMNS: Array<Column<Slow>> = [
  { key: 'duration', header: 'Duration', render: (q) => fmtMs(q.duration_ms), sortValue: (q) => q.duration_ms, align: 'right', width: '88px' },
  { key: 'statement', header: 'Statement', render: (q) => <code className="mono">{q.statement || q.query}</code>, title: (q) => q.statement || q.query },
  { key: 'rows', header: 'Rows', render: (q) => fmtInt(q.rows), sortValue: (q) => q.rows, align: 'right', width: '72px' },
  { key: 'site', header: 'Call site', render: (q) => (q.call_site ? <code className="mono">{q.call_site}</code> : '—'), title: (q) => q.call_site ?? '', width: '22%' },
  { key: 'at', header: 'At', render: (q) => fmtTime(q.at), title: (q) => q.at, sortValue: (q) => q.at, width: '84px' },
  { key: 'error', header: 'Error', render: (q) => q.error ?? '', title: (q) => q.error ?? '', width: '12%' },
];

export function QueriesTab({ report: r }: { report: SessionReport }) {
  const q = r.queries;
  return (
    <div className="stack">
      <Section title="N+1 patterns" id="n1-title">
        <NPlusOneFindings findings={r.n_plus_one} />
      </Section>
      <StatRow>
        <Stat label="Queries" value={fmtInt(q.total_queries)} />
        <Stat label="Avg duration" value={fmtMs(q.avg_duration_ms)} />
        <Stat label={`Slow (> ${fmtMs(q.slow_query_threshold_ms)})`} value={fmtInt(q.slow_queries_count)} tone={q.slow_queries_count > 0 ? 'warn' : undefined} />
        <Stat label="Distinct statements" value={fmtInt(q.by_fingerprint.length)} />
        <Stat label="Queries per request" value={r.summary.requests > 0 ? (q.total_queries / r.summary.requests).toFixed(2) : '—'} />
      </StatRow>
      <Section title="By fingerprint" id="fp-title">
        {q.by_fingerprint.length === 0 ? (
          <EmptyState title="No queries recorded">The target had no instrumented Postgres, or no pg_stat_statements access.</EmptyState>
        ) : (
          <DataTable columns={FP_COLUMNS} rows={q.by_fingerprint} rowKey={(x) => x.fingerprint} label="Queries by fingerprint" initialSort={{ key: 'total', dir: 'desc' }} testId="fingerprint-table" />
        )}
      </Section>
      <Section title="Slow queries" id="slow-title">
        {r.slow_queries.length === 0 ? (
          <EmptyState title={`No query took longer than ${fmtMs(q.slow_query_threshold_ms)}`} />
        ) : (
          <DataTable columns={SLOW_COLUMNS} rows={r.slow_queries} rowKey={(_x, i) => String(i)} label="Slow queries" initialSort={{ key: 'duration', dir: 'desc' }} maxHeightPx={360} />
        )}
      </Section>
    </div>
  );
}
