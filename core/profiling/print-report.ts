import { generatePerformanceReport } from './report.js';
import type { CallTreeNode, CacheSection, PerformanceReport, PoolSection } from './report-types.js';
import { int, ms, pct, renderTable } from './text-table.js';

/**
 * The report as seed-style text tables: query types, slow queries, N+1 patterns, the pool,
 * the cache by pattern and by sensitivity, top functions and the critical path.
 */

/** Rows per table: the report keeps everything; the text shows the top of each list. */
const TOP_QUERIES = 15;
const TOP_SLOW = 10;
const TOP_FUNCTIONS = 20;
const TREE_DEPTH = 6;

function section(title: string, body: string): string {
  return `${title}\n${'═'.repeat(title.length)}\n${body}\n`;
}

function queriesText(r: PerformanceReport): string {
  const q = r.queries;
  const head =
    `Total queries: ${int(q.total_queries)}   Avg duration: ${ms(q.avg_duration_ms)} ms   ` +
    `Slow (>= ${ms(q.slow_query_threshold_ms)} ms): ${int(q.slow_queries_count)}`;
  if (q.by_fingerprint.length === 0) return `${head}\n(no queries recorded)`;
  const table = renderTable(
    [
      { header: 'Query', maxWidth: 80 },
      { header: 'Count', align: 'right' },
      { header: 'Avg (ms)', align: 'right' },
      { header: 'P95 (ms)', align: 'right' },
      { header: 'P99 (ms)', align: 'right' },
      { header: 'Rows', align: 'right' },
    ],
    q.by_fingerprint
      .slice(0, TOP_QUERIES)
      .map((f) => [f.query, int(f.count), ms(f.mean_ms), ms(f.p95_ms), ms(f.p99_ms), int(f.rows)]),
  );
  return `${head}\n\n${table}`;
}

function slowText(r: PerformanceReport): string {
  if (r.slow_queries.length === 0) return '(none)';
  return renderTable(
    [
      { header: 'Duration (ms)', align: 'right' },
      { header: 'Rows', align: 'right' },
      { header: 'Statement', maxWidth: 70 },
      { header: 'Call site', maxWidth: 60 },
    ],
    r.slow_queries
      .slice(0, TOP_SLOW)
      .map((s) => [ms(s.duration_ms), int(s.rows), s.statement, s.call_site ?? '-']),
  );
}

function nPlusOneText(r: PerformanceReport): string {
  if (r.n_plus_one.length === 0) return '(none detected)';
  return renderTable(
    [
      { header: 'Pattern', maxWidth: 60 },
      { header: 'Occurrences', align: 'right' },
      { header: 'Traces', align: 'right' },
      { header: 'Max/trace', align: 'right' },
      { header: 'Total (ms)', align: 'right' },
      { header: 'Call site', maxWidth: 60 },
    ],
    r.n_plus_one.map((f) => [
      f.query,
      int(f.occurrences),
      f.detection === 'trace' ? int(f.traces_affected) : 'window',
      int(f.max_per_trace),
      ms(f.total_duration_ms),
      f.call_site ?? '-',
    ]),
  );
}

function poolText(p: PoolSection): string {
  const dist = (name: string, d: PoolSection['checked_out']): string[] => [
    name,
    int(d.min),
    int(d.max),
    d.avg.toFixed(1),
    int(d.p95),
    int(d.p99),
  ];
  const table = renderTable(
    [
      { header: 'Metric' },
      { header: 'Min', align: 'right' },
      { header: 'Max', align: 'right' },
      { header: 'Avg', align: 'right' },
      { header: 'P95', align: 'right' },
      { header: 'P99', align: 'right' },
    ],
    [dist('Checked out connections', p.checked_out), dist('Overflow connections', p.overflow), dist('Waiting clients', p.waiting)],
  );
  return [
    `Pool size: ${p.size}   Max overflow: ${p.max_overflow}   Samples: ${int(p.samples)}`,
    '',
    table,
    '',
    `Exhaustion events: ${int(p.exhaustion_events)} (${p.exhaustion_time_pct.toFixed(1)}% of the time)`,
    `Checkout duration: avg ${ms(p.checkout_ms.mean)} ms, p95 ${ms(p.checkout_ms.p95)} ms, p99 ${ms(p.checkout_ms.p99)} ms`,
    `Connections held > 1 s: ${p.long_held.length}` +
      (p.long_held.length > 0 ? ` (longest ${ms(p.long_held[0]?.held_ms ?? 0)} ms at ${p.long_held[0]?.call_site ?? '?'})` : ''),
  ].join('\n');
}

function cacheText(c: CacheSection): string {
  const lines = [
    `Operations: ${int(c.operations)} (GET ${int(c.gets)}, SET ${int(c.sets)}, DELETE ${int(c.deletes)})`,
    `Hits: ${int(c.hits)}   Misses: ${int(c.misses)}   Hit rate: ${pct(c.hit_rate)}`,
    `Hit latency: avg ${ms(c.hit_latency_ms.avg)} ms, p95 ${ms(c.hit_latency_ms.p95)} ms   ` +
      `Miss latency: avg ${ms(c.miss_latency_ms.avg)} ms, p95 ${ms(c.miss_latency_ms.p95)} ms`,
  ];
  if (c.by_pattern.length > 0) {
    lines.push(
      '',
      renderTable(
        [
          { header: 'Pattern' },
          { header: 'Ops', align: 'right' },
          { header: 'Hits', align: 'right' },
          { header: 'Hit Rate', align: 'right' },
          { header: 'Avg Latency', align: 'right' },
        ],
        c.by_pattern.map((p) => [p.pattern, int(p.operations), int(p.hits), pct(p.hit_rate), `${ms(p.avg_latency_ms)}ms`]),
      ),
    );
  }
  if (c.by_sensitivity.length > 0) {
    lines.push(
      '',
      renderTable(
        [
          { header: 'Sensitivity' },
          { header: 'TTL', align: 'right' },
          { header: 'Ops', align: 'right' },
          { header: 'Hit Rate', align: 'right' },
          { header: 'Avg Latency', align: 'right' },
        ],
        c.by_sensitivity.map((s) => [
          s.sensitivity,
          s.ttl_s === null ? '-' : `${Math.round(s.ttl_s)}s`,
          int(s.operations),
          pct(s.hit_rate),
          `${ms(s.avg_latency_ms)}ms`,
        ]),
      ),
    );
  }
  if (c.invalidations.length > 0) {
    lines.push(
      '',
      renderTable(
        [{ header: 'Invalidation trigger' }, { header: 'Count', align: 'right' }, { header: 'Keys removed', align: 'right' }],
        c.invalidations.map((i) => [i.trigger, int(i.count), int(i.keys_removed)]),
      ),
    );
  }
  return lines.join('\n');
}

function functionsText(r: PerformanceReport): string {
  if (r.functions.length === 0) return '(no spans recorded)';
  return renderTable(
    [
      { header: 'Function', maxWidth: 50 },
      { header: 'Calls', align: 'right' },
      { header: 'Total (ms)', align: 'right' },
      { header: 'Self (ms)', align: 'right' },
      { header: 'Per Call (ms)', align: 'right' },
      { header: 'P95 (ms)', align: 'right' },
      { header: 'P99 (ms)', align: 'right' },
    ],
    r.functions
      .slice(0, TOP_FUNCTIONS)
      .map((f) => [f.name, int(f.calls), ms(f.total_ms), ms(f.self_ms), ms(f.mean_ms), ms(f.p95_ms), ms(f.p99_ms)]),
  );
}

function treeText(nodes: readonly CallTreeNode[]): string {
  const out: string[] = [];
  const walk = (n: CallTreeNode, prefix: string, last: boolean, depth: number, root: boolean): void => {
    const label = `${n.name} (${ms(n.calls === 0 ? 0 : n.total_ms / n.calls)} ms x ${int(n.calls)})`;
    out.push(root ? label : `${prefix}${last ? '└── ' : '├── '}${label}`);
    if (depth >= TREE_DEPTH) return;
    const childPrefix = root ? '' : `${prefix}${last ? '    ' : '│   '}`;
    n.children.forEach((c, i) => walk(c, childPrefix, i === n.children.length - 1, depth + 1, false));
  };
  for (const n of nodes) walk(n, '', true, 1, true);
  return out.length === 0 ? '(no spans recorded)' : out.join('\n');
}

/** The report as text (no printing). */
export function renderPerformanceReport(report: PerformanceReport): string {
  const parts = [
    `Performance report (${report.generated_at})\n`,
    section('SQL queries', queriesText(report)),
    section('Slowest queries', slowText(report)),
    section('N+1 query patterns', nPlusOneText(report)),
    section('Connection pool', report.pool === null ? '(no pool monitor registered)' : poolText(report.pool)),
    section('Cache', cacheText(report.cache)),
    section('Functions', functionsText(report)),
    section('Call tree (critical path)', treeText(report.call_tree)),
  ];
  return parts.join('\n');
}

/** Renders the report (default: a fresh one from the default instances), prints it, returns it. */
export function printPerformanceReport(
  report: PerformanceReport = generatePerformanceReport(),
  options: { write?: (text: string) => void } = {},
): string {
  const text = renderPerformanceReport(report);
  (options.write ?? ((t: string) => process.stdout.write(`${t}\n`)))(text);
  return text;
}
