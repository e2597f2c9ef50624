import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computeChecks } from '../../../core/analysis/checks.js';
import { recommend } from '../../../core/analysis/recommend.js';
import { exportReport, exportReportToFile, importReport, importReportFile } from '../../../core/report/import-export.js';
import type { SessionReport } from '../../../core/report/types.js';
import { openStore, type Store } from '../../../core/store/index.js';
import { makeReport } from '../../fixtures/report.js';

let store: Store;
const dir = mkdtempSync(join(tmpdir(), 'sw-ie-'));
beforeEach(() => {
  store = openStore(':memory:');
});
afterEach(() => store.close());

async function fullReport(): Promise<SessionReport> {
  const r = makeReport();
  r.n_plus_one = [{ fingerprint: 'fp-team', query: 'SELECT 1 FROM user_team_memberships WHERE user_id = $1 AND team_id = $2', occurrences: 60, traces_affected: 10, max_per_trace: 6, total_duration_ms: 50, example: 'x', call_site: 'core/sark/x.ts:1', detection: 'trace' }];
  r.slow_queries = [{ fingerprint: 'fp-analytics', query: r.queries.by_fingerprint[0]!.query, statement: 'SELECT ...', duration_ms: 340, rows: 4, at: '2026-11-26T12:00:05.000Z', call_site: 'core/sark/audit.ts:9', error: null }];
  r.cache!.invalidations = [{ trigger: 'policy_update', count: 2, keys_removed: 40 }];
  r.cache!.hit_latency_histogram = [{ from_ms: 0, to_ms: 1, count: 9000 }, { from_ms: 10, to_ms: null, count: 3 }];
  r.probes = { postgres: { version: '15.19' }, warnings: ['pg_stat_statements missing'] };
  r.latency.errors_by_class = { timeout: 2, http_5xx: 1 };
  r.function_timing = { traces: 50_000, timed_traces: 9_000, budget_per_s: 1_000 };
  r.recommendations = await recommend(r);
  r.summary.checks = computeChecks(r);
  return r;
}

/** Everything but what identifies the copy. */
function comparable(r: SessionReport) {
  const { id: _id, source: _s, target, ...session } = r.session;
  const { imported_from: _f, ...t } = target as Record<string, unknown>;
  return { ...r, session: { ...session, target: t } };
}

describe('export and import', () => {
  it('round trip preserves every section', async () => {
    const original = await fullReport();
    const imported = importReport(store, original);
    expect(imported.source).toBe('imported');
    const exported = exportReport(store, imported.id);
    expect(exported.session.source).toBe('imported');
    expect(comparable(exported)).toEqual(comparable(original));
    // And a second generation is identical to the first.
    const again = exportReport(store, importReport(store, exported).id);
    expect(comparable(again)).toEqual(comparable(exported));
  });

  it('a file that fails validation changes nothing in the store', () => {
    const before = store.sessions.list().length;
    const bad = JSON.parse(JSON.stringify(makeReport()));
    bad.timeline[3].rps = -5;
    const p = join(dir, 'bad.json');
    writeFileSync(p, JSON.stringify(bad));
    expect(() => importReportFile(store, p)).toThrow(/\/timeline\/3\/rps: must be >= 0/);
    expect(store.sessions.list().length).toBe(before);
  });

  it('exports never contain a password', () => {
    const s = store.sessions.create({ target_kind: 'external', target: { url: 'http://svc', pg: 'postgres://app:hunter2@db:5432/app', redis: 'redis://:s3cret@cache:6379' }, status: 'completed', ended_at: new Date().toISOString(), duration_s: 1 });
    const p = join(dir, 'out.json');
    exportReportToFile(store, s.id, p);
    const text = readFileSync(p, 'utf8');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('s3cret');
    expect(text).toContain('db:5432');
  });
});
