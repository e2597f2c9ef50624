import type { Comparison, MetricComparison } from '../analysis/compare-types.js';
import { clip, int, markdownTable, ms, pct, signedPct, textTable, type Column } from './table.js';

/**
 * Text and Markdown renderings of a comparison. A change that is not significant prints as
 * "~" (benchstat's convention), never as a percentage that could be read as a win.
 */

function metricValue(m: MetricComparison, v: number | null): string {
  if (v === null) return '-';
  if (m.unit === 'fraction') return pct(v, 2);
  if (m.unit === 'ms') return `${ms(v, 2)} ms`;
  if (m.unit === 'req/s') return v.toFixed(1);
  return Number.isInteger(v) ? int(v) : v.toFixed(2);
}

function ci(m: MetricComparison, c: [number, number] | null): string {
  if (c === null) return '';
  const fmt = (x: number) => (m.unit === 'fraction' ? pct(x, 1) : x.toFixed(m.unit === 'ms' ? 2 : 1));
  return ` [${fmt(c[0])}, ${fmt(c[1])}]`;
}

export function changeCell(significant: boolean, change: number | null, better: boolean | null): string {
  if (!significant) return '~';
  const mark = better === true ? ' (better)' : better === false ? ' (worse)' : '';
  return `${change === null ? 'new' : signedPct(change)}${mark}`;
}

function metricRows(cmp: Comparison, withCi: boolean): string[][] {
  return cmp.metrics.map((m) => [
    m.label,
    metricValue(m, m.baseline) + (withCi ? ci(m, m.baseline_ci) : ''),
    metricValue(m, m.candidate) + (withCi ? ci(m, m.candidate_ci) : ''),
    changeCell(m.significant, m.change_pct, m.better),
    m.p_value === null ? '' : `p=${m.p_value < 0.001 ? '<0.001' : m.p_value.toFixed(3)}`,
  ]);
}

const METRIC_COLUMNS: Column[] = [
  { header: 'Metric' },
  { header: 'Baseline', align: 'right' },
  { header: 'Candidate', align: 'right' },
  { header: 'Change', align: 'right' },
  { header: '' },
];

const QUERY_COLUMNS: Column[] = [
  { header: 'Query' },
  { header: 'Count before', align: 'right' },
  { header: 'Count after', align: 'right' },
  { header: 'Before (ms)', align: 'right' },
  { header: 'After (ms)', align: 'right' },
  { header: 'Improvement', align: 'right' },
];

function queryRows(cmp: Comparison, limit: number): string[][] {
  return cmp.queries.slice(0, limit).map((q) => [
    clip(q.query, 60),
    int(q.baseline_count),
    int(q.candidate_count),
    ms(q.baseline_mean_ms, 2),
    ms(q.candidate_mean_ms, 2),
    // The seed's table shows improvement as a decrease: "84% ↓".
    !q.significant ? '~' : q.candidate_count === 0 ? 'gone' : q.baseline_count === 0 ? 'new' : q.change_pct === null ? '-' : `${Math.abs(q.change_pct).toFixed(0)}% ${q.change_pct < 0 ? '↓' : '↑'}`,
  ]);
}

export function renderComparisonText(cmp: Comparison, limit = 12): string {
  const parts: string[] = [];
  parts.push(`Comparison: ${cmp.baseline.name} (${cmp.baseline.id}) -> ${cmp.candidate.name} (${cmp.candidate.id})`);
  parts.push(`Verdict: ${cmp.verdict.toUpperCase()} — ${cmp.headline}`);
  parts.push(`(medians of per-second samples with 95% CI; Mann–Whitney U at alpha=${cmp.alpha}; changes under ${cmp.min_effect_pct}% or not significant show as ~)`);
  parts.push('', textTable(METRIC_COLUMNS, metricRows(cmp, true)));
  if (cmp.queries.length > 0) parts.push('', 'Queries (mean time per execution)', textTable(QUERY_COLUMNS, queryRows(cmp, limit)));
  if (cmp.cache_patterns.length > 0) {
    parts.push(
      '',
      'Cache hit rate by pattern',
      textTable(
        [{ header: 'Pattern' }, { header: 'Before', align: 'right' }, { header: 'After', align: 'right' }, { header: 'Change', align: 'right' }],
        cmp.cache_patterns.map((p) => [
          p.pattern,
          pct(p.baseline_hit_rate),
          pct(p.candidate_hit_rate),
          p.significant && p.change_pp !== null ? `${p.change_pp > 0 ? '+' : ''}${p.change_pp.toFixed(1)} pp` : '~',
        ]),
      ),
    );
  }
  if (cmp.functions.length > 0) {
    parts.push(
      '',
      'Functions (mean per call)',
      textTable(
        [{ header: 'Function' }, { header: 'Before (ms)', align: 'right' }, { header: 'After (ms)', align: 'right' }, { header: 'Change', align: 'right' }],
        cmp.functions.slice(0, limit).map((f) => [f.name, ms(f.baseline_mean_ms, 3), ms(f.candidate_mean_ms, 3), changeCell(f.significant, f.change_pct, f.better)]),
      ),
    );
  }
  if (cmp.latency_by_kind.length > 0) {
    parts.push(
      '',
      'Latency by request kind (median per request)',
      textTable(
        [{ header: 'Kind' }, { header: 'P50 before', align: 'right' }, { header: 'P50 after', align: 'right' }, { header: 'P95 before', align: 'right' }, { header: 'P95 after', align: 'right' }, { header: 'Change', align: 'right' }],
        cmp.latency_by_kind.map((k) => [k.kind, ms(k.baseline_p50_ms, 2), ms(k.candidate_p50_ms, 2), ms(k.baseline_p95_ms, 2), ms(k.candidate_p95_ms, 2), changeCell(k.significant, k.change_pct, k.better)]),
      ),
    );
  }
  for (const w of cmp.warnings) parts.push(`warning: ${w}`);
  return parts.join('\n') + '\n';
}

export function renderComparisonMarkdown(cmp: Comparison, limit = 12): string {
  const icon = cmp.verdict === 'improved' ? '✅' : cmp.verdict === 'regressed' ? '❌' : '➖';
  const out = [
    `## ${icon} ${cmp.verdict}: ${cmp.baseline.name} → ${cmp.candidate.name}`,
    '',
    cmp.headline,
    '',
    markdownTable(METRIC_COLUMNS, metricRows(cmp, false)),
  ];
  if (cmp.queries.length > 0) out.push('', '### Queries', '', markdownTable(QUERY_COLUMNS, queryRows(cmp, limit)));
  for (const w of cmp.warnings) out.push('', `> ⚠️ ${w}`);
  out.push('');
  return out.join('\n');
}
