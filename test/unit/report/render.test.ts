import { describe, expect, it } from 'vitest';
import { computeChecks } from '../../../core/analysis/checks.js';
import { recommend } from '../../../core/analysis/recommend.js';
import { renderMarkdownReport } from '../../../core/report/markdown.js';
import { renderTextReport } from '../../../core/report/text.js';
import { makeReport } from '../../fixtures/report.js';

describe('text and markdown reports', () => {
  it('say when function times are estimates from a sample of requests', () => {
    const r = makeReport();
    expect(renderTextReport(r)).not.toMatch(/estimated from/);
    r.function_timing = { traces: 180_000, timed_traces: 31_000, budget_per_s: 1_000 };
    expect(renderTextReport(r)).toContain('Times and percentiles are estimated from 31,000 of 180,000 traces (requests and background jobs): above 1,000 a second, only a sample is timed. Calls and errors are exact.');
  });


  it('lead with the critical metrics and the ranked findings, then the seed tables', async () => {
    const r = makeReport();
    r.n_plus_one = [{ fingerprint: 'fp', query: 'SELECT 1 FROM user_team_memberships WHERE user_id = $1 AND team_id = $2', occurrences: 500, traces_affected: 90, max_per_trace: 8, total_duration_ms: 800, example: "... team_id = 'team-3'", call_site: 'core/sark/teams.ts:42', detection: 'trace' }];
    r.recommendations = await recommend(r);
    r.summary.checks = computeChecks(r);
    const text = renderTextReport(r);
    const order = ['Critical metrics', 'Findings and recommendations', 'Queries by fingerprint', 'N+1 query patterns', 'Connection pool', 'Cache hit rate by key pattern', 'Cache by sensitivity', 'Top functions'];
    let at = -1;
    for (const h of order) {
      const i = text.indexOf(`\n${h}`); // headings start a line; table rows are indented
      expect(i, h).toBeGreaterThan(at);
      at = i;
    }
    expect(text).toMatch(/N\+1 query patterns\s+\S.*FAIL/);
    expect(text).toContain('Call site: core/sark/teams.ts:42');
    const md = renderMarkdownReport(r);
    expect(md).toContain('| N+1 query patterns | 0 | 1 | ❌ fail |');
    expect(md).toContain('`core/sark/teams.ts:42`');
  });

  it('checks: pass/warn/fail against the seed targets', () => {
    const r = makeReport({ run: { rps: 720, hitRate: 0.68 } });
    const checks = computeChecks(r);
    const byId = Object.fromEntries(checks.map((c) => [c.id, c.status]));
    expect(byId.throughput).toBe('pass');
    expect(byId.cache_hit_rate).toBe('warn'); // 68% is within 20% above the 60% target
    expect(byId.pool_exhaustion).toBe('pass');
  });
});
