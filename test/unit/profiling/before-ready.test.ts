import { describe, expect, it } from 'vitest';
import { FunctionProfiler, QueryProfiler } from '../../../core/profiling/index.js';
import { fingerprinterReady } from '../../../core/profiling/fingerprints.js';

// Its own file, so libpg-query is not loaded yet in this worker when the test starts.
describe('queries recorded before libpg-query has loaded', () => {
  it('are neither lost nor mis-grouped, and N+1 counting still sees their traces', async () => {
    expect(fingerprinterReady()).toBe(false);
    const qp = new QueryProfiler();
    const fp = new FunctionProfiler();
    qp.recordQuery({ statement: "SELECT * FROM tools WHERE id = 'tool-1'", durationMs: 2 });
    qp.recordQuery({ statement: "SELECT * FROM tools WHERE id = 'tool-2'", durationMs: 4 });
    qp.recordQuery({ statement: 'SELECT 1', durationMs: 1 });
    fp.trace('http_request', () => {
      for (let i = 0; i < 5; i++) qp.recordQuery({ statement: 'SELECT role FROM user_roles WHERE user_id = $1', durationMs: 1 }); // EARLY-LOOP
    });
    expect(fingerprinterReady()).toBe(false);
    // Nothing is reported until the parser is ready...
    expect(qp.getQueryStats().total_queries).toBe(0);
    await qp.ready();
    // ...then every query is there, grouped by the real fingerprint.
    const stats = qp.getQueryStats();
    expect(stats.total_queries).toBe(7);
    const tools = stats.by_fingerprint.find((s) => s.query === 'SELECT * FROM tools WHERE id = $1');
    expect(tools).toMatchObject({ count: 2, total_ms: 6 });
    const findings = qp.detectNPlusOne();
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ occurrences: 5, traces_affected: 1, detection: 'trace' });
    expect(findings[0]!.call_site).toMatch(/^test\/unit\/profiling\/before-ready\.test\.ts:\d+$/);
    expect(qp.droppedBeforeReady).toBe(0);
  });
});
