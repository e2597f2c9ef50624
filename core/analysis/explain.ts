import type { TableRef } from './sql-columns.js';

/**
 * Read-only plan inspection for index advice. Never EXPLAIN ANALYZE (it would execute the
 * statement); the plan is asked inside `BEGIN READ ONLY ... ROLLBACK` with a statement timeout,
 * so even a misbehaving statement cannot write or run long. Statements captured by the
 * profiler are normalised ($1, $2 ...) and their parameter values are unknown, so we ask for
 * the *generic* plan: PREPARE under `plan_cache_mode = force_generic_plan`, then
 * `EXPLAIN EXECUTE` with NULLs (a generic plan never looks at the values).
 */

/** Anything with pg's `query(text, values?)`: a Client or a Pool-checked-out client. */
export interface PlanDb {
  query(text: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
}

/** A plan query on a user's database gets this long, no more. */
export const EXPLAIN_TIMEOUT_MS = 2000;

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Schema'?: string;
  'Index Name'?: string;
  'Total Cost'?: number;
  'Plan Rows'?: number;
  Plans?: PlanNode[];
}

function countParams(sql: string): number {
  let max = 0;
  for (const m of sql.matchAll(/\$(\d+)/g)) max = Math.max(max, Number(m[1]));
  return max;
}

let seq = 0;

/** The generic plan of a (possibly parameterised) statement; null if Postgres refuses it. */
export async function explainGeneric(db: PlanDb, sql: string): Promise<PlanNode | null> {
  if (!/^\s*(select|with)\b/i.test(sql)) return null; // only read statements are ever planned
  const name = `sark_wb_plan_${process.pid}_${++seq}`;
  const n = countParams(sql);
  await db.query('BEGIN READ ONLY');
  try {
    await db.query(`SET LOCAL statement_timeout = ${EXPLAIN_TIMEOUT_MS}`);
    await db.query(`SET LOCAL plan_cache_mode = force_generic_plan`);
    await db.query(`PREPARE ${name} AS ${sql}`);
    try {
      const args = n > 0 ? `(${new Array(n).fill('NULL').join(', ')})` : '';
      const res = await db.query(`EXPLAIN (FORMAT JSON) EXECUTE ${name}${args}`);
      const row = res.rows[0];
      const raw = row ? Object.values(row)[0] : undefined;
      const parsed: unknown = typeof raw === 'string' ? JSON.parse(raw) : raw;
      const plan = Array.isArray(parsed) ? (parsed[0] as { Plan?: PlanNode } | undefined)?.Plan : undefined;
      return plan ?? null;
    } finally {
      await db.query(`DEALLOCATE ${name}`).catch(() => undefined);
    }
  } catch {
    return null;
  } finally {
    await db.query('ROLLBACK').catch(() => undefined);
  }
}

/** Whether the plan reads `table` with a sequential scan. */
export function seqScans(plan: PlanNode, table: TableRef): boolean {
  const stack = [plan];
  while (stack.length > 0) {
    const node = stack.pop() as PlanNode;
    if (node['Node Type'] === 'Seq Scan' && node['Relation Name'] === table.table) return true;
    for (const child of node.Plans ?? []) stack.push(child);
  }
  return false;
}

export interface TableIndexInfo {
  /** Key columns of each index, in order. */
  indexes: Array<{ name: string; columns: string[] }>;
  /** Planner's row estimate. */
  rows: number;
}

/** Existing indexes and size of a table, from the catalogs (read-only). */
export async function tableIndexInfo(db: PlanDb, table: TableRef): Promise<TableIndexInfo | null> {
  try {
    const rel = await db.query(
      `SELECT c.oid, GREATEST(c.reltuples, 0)::float8 AS rows
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relname = $1 AND c.relkind IN ('r', 'p')
          AND ($2::text IS NULL AND pg_catalog.pg_table_is_visible(c.oid) OR n.nspname = $2)
        LIMIT 1`,
      [table.table, table.schema],
    );
    const first = rel.rows[0];
    if (!first) return null;
    const idx = await db.query(
      `SELECT i.relname AS name,
              ARRAY(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
                     WHERE k.ord <= x.indnkeyatts ORDER BY k.ord)::text[] AS columns
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = $1`,
      [first.oid],
    );
    return {
      rows: Number(first.rows),
      indexes: idx.rows.map((r) => ({ name: String(r.name), columns: (r.columns as string[]) ?? [] })),
    };
  } catch {
    return null;
  }
}
