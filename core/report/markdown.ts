import { formatCheckValue } from './text.js';
import { clip, int, markdownTable, ms, pct } from './table.js';
import type { SessionReport } from './types.js';

/** `report ID --markdown FILE`: a summary to paste into a pull request. */

const STATUS_ICON = { pass: '✅ pass', warn: '⚠️ warn', fail: '❌ fail', 'n/a': 'n/a' } as const;

export function renderMarkdownReport(r: SessionReport): string {
  const s = r.session;
  const out: string[] = [];
  out.push(`## SARK Workbench: ${s.name}`);
  out.push('');
  out.push(
    `Session \`${s.id}\` · ${s.target_kind}${s.profile ? ` (${s.profile})` : ''} · ${s.duration_s.toFixed(0)} s · ` +
      `${int(r.summary.requests)} requests · ${r.summary.throughput_rps.toFixed(1)} req/s · ` +
      `p95 ${ms(r.summary.latency_ms.p95)} ms · hit rate ${pct(r.summary.cache_hit_rate)}`,
  );
  out.push('', '### Critical metrics', '');
  out.push(
    markdownTable(
      [{ header: 'Metric' }, { header: 'Target' }, { header: 'Actual', align: 'right' }, { header: 'Status' }],
      r.summary.checks.map((c) => [c.name, c.target, formatCheckValue(c), STATUS_ICON[c.status]]),
    ),
  );
  out.push('', '### Recommendations', '');
  if (r.recommendations.length === 0) out.push('None: the data supports no change.');
  r.recommendations.forEach((rec, i) => {
    out.push(`${i + 1}. **${rec.title}** (impact ${rec.impact}, effort ${rec.effort})`);
    for (const e of rec.evidence) out.push(`   - ${e}`);
    out.push('', '   ```', ...rec.action.split('\n').map((l) => `   ${l}`), '   ```', '');
  });
  if (r.queries.by_fingerprint.length > 0) {
    out.push('', '### Queries by total time', '');
    out.push(
      markdownTable(
        [{ header: 'Query' }, { header: 'Count', align: 'right' }, { header: 'Avg ms', align: 'right' }, { header: 'P95 ms', align: 'right' }, { header: 'P99 ms', align: 'right' }],
        r.queries.by_fingerprint.slice(0, 10).map((q) => [`\`${clip(q.query, 80)}\``, int(q.count), ms(q.mean_ms, 2), ms(q.p95_ms, 2), ms(q.p99_ms, 2)]),
      ),
    );
  }
  if (r.n_plus_one.length > 0) {
    out.push('', '### N+1 patterns', '');
    out.push(
      markdownTable(
        [{ header: 'Query' }, { header: 'Occurrences', align: 'right' }, { header: 'Requests', align: 'right' }, { header: 'Call site' }],
        r.n_plus_one.map((n) => [`\`${clip(n.query, 70)}\``, int(n.occurrences), int(n.traces_affected ?? 0), n.call_site ? `\`${n.call_site}\`` : '-']),
      ),
    );
  }
  if (r.cache && r.cache.by_pattern.length > 0) {
    out.push('', '### Cache by key pattern', '');
    out.push(
      markdownTable(
        [{ header: 'Pattern' }, { header: 'Ops', align: 'right' }, { header: 'Hit rate', align: 'right' }, { header: 'Avg latency', align: 'right' }],
        r.cache.by_pattern.map((p) => [`\`${p.pattern}\``, int(p.operations), pct(p.hit_rate), `${ms(p.avg_latency_ms, 2)} ms`]),
      ),
    );
  }
  out.push('');
  return out.join('\n');
}
