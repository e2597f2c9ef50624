import type { Comparison } from '../../../../core/api/types.js';
import { Badge } from '../../components/Badge.js';
import { Change } from '../../components/Change.js';
import type { Column } from '../../components/DataTable.js';
import { fmtInt, fmtMs, fmtPct, fmtValue } from '../../components/format.js';

type Metric = Comparison['metrics'][number];
type Query = Comparison['queries'][number];
type CachePattern = Comparison['cache_patterns'][number];
type Fn = Comparison['functions'][number];
type Kind = Comparison['latency_by_kind'][number];

export const METRIC_COLUMNS: Array<Column<Metric>> = [
  { key: 'label', header: 'Metric', render: (m) => <span className={m.key ? 'strong' : undefined}>{m.label}</span>, title: (m) => `${m.label} (${m.method}${m.p_value !== null ? `, p = ${m.p_value.toPrecision(2)}` : ''})` },
  { key: 'base', header: 'Baseline', render: (m) => fmtValue(m.baseline, m.unit, { compact: true }), title: (m) => fmtValue(m.baseline, m.unit), align: 'right', width: '96px' },
  { key: 'cand', header: 'Candidate', render: (m) => fmtValue(m.candidate, m.unit, { compact: true }), title: (m) => fmtValue(m.candidate, m.unit), align: 'right', width: '96px' },
  { key: 'change', header: 'Change', render: (m) => <Change pct={m.change_pct} significant={m.significant} better={m.better} />, align: 'right', width: '104px' },
];

/** A statement only one side ran: "gone" is what an N+1 fix looks like, "new" what a batched query does. */
function QueryChange({ q }: { q: Query }) {
  if (q.baseline_count === 0 && q.candidate_count > 0) return <Badge tone="info">new</Badge>;
  if (q.candidate_count === 0 && q.baseline_count > 0) return <Badge tone="ok">gone</Badge>;
  return <Change pct={q.change_pct} significant={q.significant} better={q.better} />;
}

/** The seed's "Query Performance After Optimizations": before, after, improvement. */
export const QUERY_COLUMNS: Array<Column<Query>> = [
  { key: 'query', header: 'Query', render: (q) => <code className="mono">{q.query}</code>, title: (q) => q.query, sortValue: (q) => q.query },
  { key: 'bc', header: 'Count before', render: (q) => fmtInt(q.baseline_count), sortValue: (q) => q.baseline_count, align: 'right', width: '108px' },
  { key: 'cc', header: 'Count after', render: (q) => fmtInt(q.candidate_count), sortValue: (q) => q.candidate_count, align: 'right', width: '104px' },
  { key: 'before', header: 'Before (mean)', render: (q) => fmtMs(q.baseline_mean_ms), sortValue: (q) => q.baseline_mean_ms, align: 'right', width: '104px' },
  { key: 'after', header: 'After (mean)', render: (q) => fmtMs(q.candidate_mean_ms), sortValue: (q) => q.candidate_mean_ms, align: 'right', width: '108px' },
  { key: 'change', header: 'Change', render: (q) => <QueryChange q={q} />, sortValue: (q) => q.change_pct, align: 'right', width: '104px' },
];

export const CACHE_COLUMNS: Array<Column<CachePattern>> = [
  { key: 'pattern', header: 'Key pattern', render: (p) => <code className="mono">{p.pattern}</code>, sortValue: (p) => p.pattern },
  { key: 'bo', header: 'Ops before', render: (p) => fmtInt(p.baseline_operations), sortValue: (p) => p.baseline_operations, align: 'right', width: '92px' },
  { key: 'co', header: 'Ops after', render: (p) => fmtInt(p.candidate_operations), sortValue: (p) => p.candidate_operations, align: 'right', width: '84px' },
  { key: 'bh', header: 'Hit before', render: (p) => fmtPct(p.baseline_hit_rate), sortValue: (p) => p.baseline_hit_rate, align: 'right', width: '76px' },
  { key: 'ch', header: 'Hit after', render: (p) => fmtPct(p.candidate_hit_rate), sortValue: (p) => p.candidate_hit_rate, align: 'right', width: '80px' },
  { key: 'change', header: 'Change', render: (p) => <Change pct={p.change_pp} significant={p.significant} better={p.better} unit="pp" />, sortValue: (p) => p.change_pp, align: 'right', width: '84px' },
];

export const FUNCTION_COLUMNS: Array<Column<Fn>> = [
  { key: 'name', header: 'Function', render: (f) => <code className="mono">{f.name}</code>, title: (f) => f.name, sortValue: (f) => f.name },
  { key: 'bc', header: 'Calls before', render: (f) => fmtInt(f.baseline_calls), sortValue: (f) => f.baseline_calls, align: 'right', width: '100px' },
  { key: 'cc', header: 'Calls after', render: (f) => fmtInt(f.candidate_calls), sortValue: (f) => f.candidate_calls, align: 'right', width: '96px' },
  { key: 'bm', header: 'Mean before', render: (f) => fmtMs(f.baseline_mean_ms), sortValue: (f) => f.baseline_mean_ms, align: 'right', width: '92px' },
  { key: 'cm', header: 'Mean after', render: (f) => fmtMs(f.candidate_mean_ms), sortValue: (f) => f.candidate_mean_ms, align: 'right', width: '92px' },
  { key: 'change', header: 'Change', render: (f) => <Change pct={f.change_pct} significant={f.significant} better={f.better} />, sortValue: (f) => f.change_pct, align: 'right', width: '88px' },
];

export const KIND_COLUMNS: Array<Column<Kind>> = [
  { key: 'kind', header: 'Request kind', render: (k) => k.kind, sortValue: (k) => k.kind },
  { key: 'br', header: 'Req. before', render: (k) => fmtInt(k.baseline_requests), sortValue: (k) => k.baseline_requests, align: 'right', width: '96px' },
  { key: 'cr', header: 'Req. after', render: (k) => fmtInt(k.candidate_requests), sortValue: (k) => k.candidate_requests, align: 'right', width: '88px' },
  { key: 'b95', header: 'p95 before', render: (k) => fmtMs(k.baseline_p95_ms), sortValue: (k) => k.baseline_p95_ms, align: 'right', width: '96px' },
  { key: 'c95', header: 'p95 after', render: (k) => fmtMs(k.candidate_p95_ms), sortValue: (k) => k.candidate_p95_ms, align: 'right', width: '84px' },
  { key: 'change', header: 'Change', render: (k) => <Change pct={k.change_pct} significant={k.significant} better={k.better} />, sortValue: (k) => k.change_pct, align: 'right', width: '88px' },
];
