import type { Check } from '../profiling/report-types.js';
import { clip, int, ms, pct, textTable } from './table.js';
import type { SessionReport } from './types.js';

/**
 * The text report the CLI prints at the end of `profile` and for `report ID`: the seed's
 * tables (critical metrics, query types, N+1 patterns, pool, cache by pattern and by
 * sensitivity, top functions), led by the findings so the reader sees *why* first.
 */

const STATUS_MARK: Record<Check['status'], string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', 'n/a': 'n/a' };

export function formatCheckValue(c: Check): string {
  if (c.actual === null) return '-';
  if (c.unit === 'fraction') return pct(c.actual, c.id === 'slow_queries' ? 3 : 1);
  if (c.unit === 'ms') return `${ms(c.actual)} ms`;
  if (c.unit === '%') return `${c.actual.toFixed(2)}%`;
  if (c.unit === 'req/s') return `${int(c.actual)}/s`;
  return int(c.actual);
}

function heading(title: string): string {
  return `\n${title}\n`;
}

function sessionHeader(r: SessionReport): string {
  const s = r.session;
  const target = s.target_kind === 'embedded' ? `embedded SARK server (${s.profile ?? 'custom'})` : s.target_kind;
  const lines = [
    `SARK Workbench report — ${s.name} (${s.id})`,
    `Target: ${target}   Status: ${s.status}   Duration: ${s.duration_s.toFixed(0)} s   Started: ${s.started_at ?? '-'}`,
  ];
  if (r.summary.requests > 0) {
    lines.push(
      `Requests: ${int(r.summary.requests)} (${int(r.summary.errors)} errors)   Throughput: ${r.summary.throughput_rps.toFixed(1)} req/s   ` +
        `Latency p50/p95/p99: ${ms(r.summary.latency_ms.p50)}/${ms(r.summary.latency_ms.p95)}/${ms(r.summary.latency_ms.p99)} ms`,
    );
  }
  return lines.join('\n');
}

function checksTable(r: SessionReport): string {
  return (
    heading('Critical metrics') +
    textTable(
      [{ header: 'Metric' }, { header: 'Target' }, { header: 'Actual', align: 'right' }, { header: 'Status' }],
      r.summary.checks.map((c) => [c.name, c.target, formatCheckValue(c), STATUS_MARK[c.status]]),
    )
  );
}

function recommendationsBlock(r: SessionReport): string {
  if (r.recommendations.length === 0) return heading('Findings') + '  No recommendation: the data shows nothing worth changing.';
  const parts = r.recommendations.map((rec, i) => {
    const evidence = rec.evidence.map((e) => `       - ${e}`).join('\n');
    const action = rec.action
      .split('\n')
      .map((l) => `       ${l}`)
      .join('\n');
    return `  ${i + 1}. ${rec.title}  [impact: ${rec.impact}, effort: ${rec.effort}]\n     Evidence:\n${evidence}\n     Change:\n${action}`;
  });
  return heading('Findings and recommendations (ranked)') + parts.join('\n\n');
}

function latencyByKind(r: SessionReport): string {
  if (r.latency.by_kind.length === 0) return '';
  return (
    heading('Latency by request kind') +
    textTable(
      [
        { header: 'Kind' },
        { header: 'Requests', align: 'right' },
        { header: 'Errors', align: 'right' },
        { header: 'Mean (ms)', align: 'right' },
        { header: 'P50 (ms)', align: 'right' },
        { header: 'P95 (ms)', align: 'right' },
        { header: 'P99 (ms)', align: 'right' },
      ],
      r.latency.by_kind.map((k) => [k.kind, int(k.requests), int(k.errors), ms(k.latency_ms.mean), ms(k.latency_ms.p50), ms(k.latency_ms.p95), ms(k.latency_ms.p99)]),
    )
  );
}

function queriesTable(r: SessionReport, limit: number): string {
  const q = r.queries;
  if (q.total_queries === 0) return '';
  const head = `  Total queries: ${int(q.total_queries)}   Average: ${ms(q.avg_duration_ms, 2)} ms   Slow (> ${q.slow_query_threshold_ms ?? 100} ms): ${int(q.slow_queries_count)}\n\n`;
  const rows = q.by_fingerprint
    .slice(0, limit)
    .map((f) => [clip(f.query, 64), int(f.count), ms(f.mean_ms, 2), ms(f.p95_ms, 2), ms(f.p99_ms, 2), int(f.total_ms)]);
  return (
    heading('Queries by fingerprint (by total time)') +
    head +
    textTable(
      [
        { header: 'Query' },
        { header: 'Count', align: 'right' },
        { header: 'Avg (ms)', align: 'right' },
        { header: 'P95 (ms)', align: 'right' },
        { header: 'P99 (ms)', align: 'right' },
        { header: 'Total (ms)', align: 'right' },
      ],
      rows,
    )
  );
}

function slowQueries(r: SessionReport, limit: number): string {
  if (r.slow_queries.length === 0) return '';
  return (
    heading('Slowest queries') +
    textTable(
      [{ header: 'Duration (ms)', align: 'right' }, { header: 'Query' }, { header: 'Call site' }],
      r.slow_queries.slice(0, limit).map((s) => [ms(s.duration_ms), clip(s.query, 70), s.call_site ?? '-']),
    )
  );
}

function nPlusOne(r: SessionReport): string {
  if (r.n_plus_one.length === 0) return heading('N+1 query patterns') + '  None detected.';
  const blocks = r.n_plus_one.map(
    (n) =>
      `  Pattern: ${clip(n.query, 100)}\n` +
      `    Occurrences: ${int(n.occurrences)} in ${int(n.traces_affected ?? 0)} requests (up to ${int(n.max_per_trace ?? 0)} per request)   Total: ${ms(n.total_duration_ms)} ms\n` +
      `    Call site: ${n.call_site ?? 'unknown'}\n` +
      `    Example: ${clip(n.example, 100)}`,
  );
  return heading('N+1 query patterns') + blocks.join('\n\n');
}

function poolBlock(r: SessionReport): string {
  const p = r.pool;
  if (p === null) return '';
  const d = (x: { min: number; max: number; avg: number; p95: number; p99: number }) => [int(x.min), int(x.max), x.avg.toFixed(1), int(x.p95), int(x.p99)];
  const rows = [['Checked out', ...d(p.checked_out)]];
  if (p.overflow) rows.push(['Overflow', ...d(p.overflow)]);
  if (p.waiting) rows.push(['Waiting', ...d(p.waiting)]);
  return (
    heading(`Connection pool (size ${p.size} + overflow ${p.max_overflow}, ${int(p.samples)} samples)`) +
    textTable(
      [{ header: 'Metric' }, { header: 'Min', align: 'right' }, { header: 'Max', align: 'right' }, { header: 'Avg', align: 'right' }, { header: 'P95', align: 'right' }, { header: 'P99', align: 'right' }],
      rows,
    ) +
    `\n  Exhaustion events: ${int(p.exhaustion_events)} (${p.exhaustion_time_pct.toFixed(2)}% of the time)   Avg checkout: ${ms(p.avg_checkout_ms, 2)} ms   Held > 1 s: ${int(p.long_held?.length ?? 0)}`
  );
}

function cacheBlock(r: SessionReport): string {
  const c = r.cache;
  if (c === null || c.operations === 0) return '';
  const parts = [
    heading('Decision cache') +
      `  Operations: ${int(c.operations)}   Hits: ${int(c.hits)}   Misses: ${int(c.misses)}   Hit rate: ${pct(c.hit_rate)}   ` +
      `Hit latency avg/p95: ${ms(c.hit_latency_ms?.avg, 2)}/${ms(c.hit_latency_ms?.p95, 2)} ms`,
  ];
  if (c.by_pattern.length > 0) {
    parts.push(
      heading('Cache hit rate by key pattern') +
        textTable(
          [{ header: 'Pattern' }, { header: 'Ops', align: 'right' }, { header: 'Hits', align: 'right' }, { header: 'Hit rate', align: 'right' }, { header: 'Avg latency', align: 'right' }],
          c.by_pattern.map((p) => [p.pattern, int(p.operations), int(p.hits), pct(p.hit_rate), `${ms(p.avg_latency_ms, 2)} ms`]),
        ),
    );
  }
  if (c.by_sensitivity.length > 0) {
    parts.push(
      heading('Cache by sensitivity') +
        textTable(
          [{ header: 'Sensitivity' }, { header: 'TTL', align: 'right' }, { header: 'Ops', align: 'right' }, { header: 'Hit rate', align: 'right' }, { header: 'Avg latency', align: 'right' }],
          c.by_sensitivity.map((s) => [s.sensitivity, s.ttl_s === null ? '-' : `${Math.round(s.ttl_s)}s`, int(s.operations), pct(s.hit_rate), `${ms(s.avg_latency_ms, 2)} ms`]),
        ),
    );
  }
  if (c.invalidations.length > 0) {
    parts.push(
      heading('Cache invalidations') +
        textTable(
          [{ header: 'Trigger' }, { header: 'Count', align: 'right' }, { header: 'Keys removed', align: 'right' }],
          c.invalidations.map((i) => [i.trigger, int(i.count), int(i.keys_removed)]),
        ),
    );
  }
  return parts.join('\n');
}

function functionsBlock(r: SessionReport, limit: number): string {
  if (r.functions.length === 0) return '';
  const rows = [...r.functions]
    .sort((a, b) => b.total_ms - a.total_ms)
    .slice(0, limit)
    .map((f) => [f.name, int(f.calls), int(f.total_ms), int(f.self_ms), ms(f.mean_ms, 3), ms(f.p95_ms, 2), ms(f.p99_ms, 2)]);
  return (
    heading('Top functions by cumulative time') +
    textTable(
      [
        { header: 'Function' },
        { header: 'Calls', align: 'right' },
        { header: 'Total (ms)', align: 'right' },
        { header: 'Self (ms)', align: 'right' },
        { header: 'Mean (ms)', align: 'right' },
        { header: 'P95 (ms)', align: 'right' },
        { header: 'P99 (ms)', align: 'right' },
      ],
      rows,
    ) +
    timingNote(r)
  );
}

/** Says when span times are estimates from a sample of requests (the embedded server's timing budget). */
function timingNote(r: SessionReport): string {
  const t = r.function_timing;
  if (t === undefined || t.timed_traces >= t.traces) return '';
  const budget = t.budget_per_s === null ? '' : `: above ${int(t.budget_per_s)} a second, only a sample is timed`;
  return `\n  Times and percentiles are estimated from ${int(t.timed_traces)} of ${int(t.traces)} traces (requests and background jobs)${budget}. Calls and errors are exact.`;
}

function probeWarnings(r: SessionReport): string {
  const w = r.probes?.warnings ?? [];
  return w.length ? heading('Probe warnings') + w.map((x) => `  - ${x}`).join('\n') : '';
}

export interface TextReportOptions {
  /** Rows per table. */
  limit?: number;
}

export function renderTextReport(r: SessionReport, opts: TextReportOptions = {}): string {
  const limit = opts.limit ?? 12;
  return [
    sessionHeader(r),
    checksTable(r),
    recommendationsBlock(r),
    latencyByKind(r),
    queriesTable(r, limit),
    slowQueries(r, 5),
    nPlusOne(r),
    poolBlock(r),
    cacheBlock(r),
    functionsBlock(r, limit),
    probeWarnings(r),
  ]
    .filter((s) => s !== '')
    .join('\n')
    .concat('\n');
}
