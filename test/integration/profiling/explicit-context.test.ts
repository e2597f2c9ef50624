import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FunctionProfiler, QueryProfiler, withStore } from '../../../core/profiling/index.js';
import { PG_URL, createSchema, lineOf } from './helpers.js';

/**
 * The explicit-context API: spans opened with begin()/end() and queries issued under
 * withStore() behave like the AsyncLocalStorage ones (N+1 per trace, call tree, self time),
 * for hot paths that cannot afford AsyncLocalStorage's promise hooks.
 */

let schema: string;
let dropSchema: () => Promise<void>;

beforeAll(async () => {
  ({ schema, drop: dropSchema } = await createSchema());
  const pool = new pg.Pool({ connectionString: PG_URL, max: 2, options: `-c search_path=${schema}` });
  await pool.query('CREATE TABLE memberships (user_id text, team_id text, PRIMARY KEY (user_id, team_id))');
  await pool.query("INSERT INTO memberships SELECT 'user-1', 'team-' || i FROM generate_series(1, 6) i");
  await pool.end();
});
afterAll(async () => {
  await dropSchema?.();
});

describe('explicit-context spans', () => {
  it('count an N+1 per trace with its call site, and build the call tree', async () => {
    const qp = new QueryProfiler();
    const fns = new FunctionProfiler();
    const pool = qp.instrument(new pg.Pool({ connectionString: PG_URL, max: 2, options: `-c search_path=${schema}` }));
    try {
      for (let request = 0; request < 4; request++) {
        const trace = fns.beginTrace('http_request');
        const span = fns.begin('load_team_memberships', trace);
        for (let t = 1; t <= 6; t++) {
          await withStore(span.store, () => pool.query('SELECT 1 FROM memberships WHERE user_id = $1 AND team_id = $2', ['user-1', `team-${t}`])); // EXPLICIT-LOOP
        }
        fns.end(span);
        fns.end(trace);
      }
      const [finding] = qp.detectNPlusOne();
      expect(finding?.detection).toBe('trace');
      expect(finding?.occurrences).toBe(24);
      expect(finding?.traces_affected).toBe(4);
      expect(finding?.call_site).toBe(lineOf(import.meta.url, '// EXPLICIT-LOOP'));
      const tree = fns.getCallTree();
      expect(tree[0]?.name).toBe('http_request');
      expect(tree[0]?.calls).toBe(4);
      expect(tree[0]?.children[0]?.name).toBe('load_team_memberships');
      const root = fns.getStats('http_request')!;
      const child = fns.getStats('load_team_memberships')!;
      expect(root.self_ms).toBeLessThan(root.total_ms);
      expect(root.total_ms).toBeGreaterThanOrEqual(child.total_ms);
    } finally {
      await pool.end();
    }
  });

  it('records nothing inside an unsampled trace', async () => {
    const qp = new QueryProfiler();
    const fns = new FunctionProfiler();
    fns.setSamplingRate(0);
    const pool = qp.instrument(new pg.Pool({ connectionString: PG_URL, max: 1, options: `-c search_path=${schema}` }));
    try {
      const trace = fns.beginTrace('http_request');
      const span = fns.begin('work', trace);
      await withStore(span.store, () => pool.query('SELECT count(*) FROM memberships'));
      fns.end(span);
      fns.end(trace);
      expect(qp.getQueryStats().total_queries).toBe(0);
      expect(fns.getStats()).toEqual([]);
    } finally {
      await pool.end();
    }
  });
});
