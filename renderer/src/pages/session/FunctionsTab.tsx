import type { SessionReport } from '../../../../core/api/types.js';
import { FlameGraph } from '../../charts/FlameGraph.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { EmptyState } from '../../components/EmptyState.js';
import { fmtInt, fmtMs } from '../../components/format.js';
import { Section } from '../../components/Section.js';

type Fn = SessionReport['functions'][number];

const COLUMNS: Array<Column<Fn>> = [
  { key: 'name', header: 'Function', render: (f) => <code className="mono">{f.name}</code>, title: (f) => f.name, sortValue: (f) => f.name },
  { key: 'calls', header: 'Calls', render: (f) => fmtInt(f.calls), sortValue: (f) => f.calls, align: 'right', width: '92px' },
  { key: 'total', header: 'Total', render: (f) => fmtMs(f.total_ms), sortValue: (f) => f.total_ms, align: 'right', width: '92px' },
  { key: 'self', header: 'Self', render: (f) => fmtMs(f.self_ms), sortValue: (f) => f.self_ms, align: 'right', width: '92px' },
  { key: 'mean', header: 'Per call', render: (f) => fmtMs(f.mean_ms), sortValue: (f) => f.mean_ms, align: 'right', width: '84px' },
  { key: 'p95', header: 'p95', render: (f) => fmtMs(f.p95_ms), sortValue: (f) => f.p95_ms, align: 'right', width: '84px' },
  { key: 'p99', header: 'p99', render: (f) => fmtMs(f.p99_ms), sortValue: (f) => f.p99_ms, align: 'right', width: '84px' },
  { key: 'errors', header: 'Errors', render: (f) => fmtInt(f.errors), sortValue: (f) => f.errors, align: 'right', width: '64px' },
];

export function FunctionsTab({ report: r }: { report: SessionReport }) {
  return (
    <div className="stack">
      <Section title="Top functions by total time" id="fn-title">
        <DataTable columns={COLUMNS} rows={r.functions} rowKey={(f) => f.name} label="Functions" initialSort={{ key: 'total', dir: 'desc' }} maxHeightPx={400} empty={<EmptyState title="No function spans recorded" />} testId="functions-table" />
        <TimingNote report={r} />
      </Section>
      <Section title="Flame graph (root on top; width = total time; click to zoom)" id="flame-title">
        <FlameGraph roots={r.call_tree} />
      </Section>
    </div>
  );
}

/** Above its timing budget the embedded server times a sample of requests: say so where the times are read. */
function TimingNote({ report: r }: { report: SessionReport }) {
  const t = r.function_timing;
  if (t === undefined || t.timed_traces >= t.traces) return null;
  return (
    <p className="muted" data-testid="function-timing-note" style={{ marginTop: 8 }}>
      Times, percentiles and the flame graph are estimated from {fmtInt(t.timed_traces)} of {fmtInt(t.traces)} traces (requests and background jobs)
      {t.budget_per_s === null ? '' : `: above ${fmtInt(t.budget_per_s)} a second, only a sample is timed`}. Calls and errors are exact.
    </p>
  );
}
