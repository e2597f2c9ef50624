import { loadModule, parseSync } from 'libpg-query';

/**
 * Reads which columns a statement filters, groups, sorts and aggregates on, from the real
 * Postgres parse tree (libpg-query), so index advice is built from the query itself rather than
 * from guesses on its text.
 */

export interface TableRef {
  schema: string | null;
  table: string;
}

export interface QueryColumns {
  kind: 'select' | 'insert' | 'update' | 'delete' | 'other';
  tables: TableRef[];
  /** Per table name: columns compared with `=`, `= ANY(...)` or `IN (...)`. */
  equality: Map<string, string[]>;
  /** Per table name: columns compared with <, <=, >, >= or BETWEEN. */
  range: Map<string, string[]>;
  groupBy: Map<string, string[]>;
  orderBy: Map<string, Array<{ column: string; desc: boolean }>>;
  /** Columns read by aggregates (candidates for INCLUDE). */
  aggregated: Map<string, string[]>;
}

let loaded: Promise<void> | undefined;
export function loadParser(): Promise<void> {
  loaded ??= loadModule();
  return loaded;
}

type Node = Record<string, unknown>;

function obj(v: unknown): Node | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Node) : undefined;
}
function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function columnRef(node: unknown): string[] | undefined {
  const ref = obj(obj(node)?.ColumnRef);
  if (!ref) return undefined;
  const parts = arr(ref.fields).map((f) => obj(obj(f)?.String)?.sval);
  if (parts.some((p) => typeof p !== 'string')) return undefined; // `*`
  return parts as string[];
}

function addTo<T>(map: Map<string, T[]>, key: string, value: T, same: (a: T, b: T) => boolean = (a, b) => a === b): void {
  const list = map.get(key) ?? [];
  if (!list.some((x) => same(x, value))) list.push(value);
  map.set(key, list);
}

const RANGE_OPS = new Set(['<', '<=', '>', '>=']);
const AGGREGATES = new Set(['avg', 'sum', 'min', 'max', 'count', 'stddev', 'variance', 'percentile_cont', 'percentile_disc']);

class Collector {
  readonly out: QueryColumns;
  private aliases = new Map<string, string>();
  private targetAliases = new Set<string>();

  constructor(kind: QueryColumns['kind']) {
    this.out = { kind, tables: [], equality: new Map(), range: new Map(), groupBy: new Map(), orderBy: new Map(), aggregated: new Map() };
  }

  addRangeVar(rv: Node | undefined): void {
    if (!rv) return;
    const table = rv.relname;
    if (typeof table !== 'string') return;
    const schema = typeof rv.schemaname === 'string' ? rv.schemaname : null;
    if (!this.out.tables.some((t) => t.table === table && t.schema === schema)) this.out.tables.push({ schema, table });
    this.aliases.set(table, table);
    const alias = obj(obj(rv.alias))?.aliasname;
    if (typeof alias === 'string') this.aliases.set(alias, table);
  }

  fromItem(item: unknown): void {
    const n = obj(item);
    if (!n) return;
    if (n.RangeVar) this.addRangeVar(obj(n.RangeVar));
    const join = obj(n.JoinExpr);
    if (join) {
      this.fromItem(join.larg);
      this.fromItem(join.rarg);
      this.where(join.quals);
    }
  }

  /** Which table a column reference belongs to; null when ambiguous. */
  resolve(parts: string[]): { table: string; column: string } | null {
    const column = parts[parts.length - 1] as string;
    if (parts.length >= 2) {
      const t = this.aliases.get(parts[parts.length - 2] as string);
      return t ? { table: t, column } : null;
    }
    if (this.out.tables.length === 1) return { table: (this.out.tables[0] as TableRef).table, column };
    return null;
  }

  where(node: unknown): void {
    const n = obj(node);
    if (!n) return;
    const bool = obj(n.BoolExpr);
    if (bool) {
      for (const a of arr(bool.args)) this.where(a);
      return;
    }
    const expr = obj(n.A_Expr);
    if (!expr) return;
    const op = obj(obj(arr(expr.name)[0])?.String)?.sval;
    const left = columnRef(expr.lexpr);
    const right = columnRef(expr.rexpr);
    const col = left ?? right;
    if (!col) return;
    const r = this.resolve(col);
    if (!r) return;
    const kind = expr.kind;
    if ((kind === 'AEXPR_OP' && op === '=') || kind === 'AEXPR_OP_ANY' || kind === 'AEXPR_IN') {
      // `a.x = b.y` is a join condition, not a filter on a constant.
      if (left && right) return;
      addTo(this.out.equality, r.table, r.column);
    } else if ((kind === 'AEXPR_OP' && typeof op === 'string' && RANGE_OPS.has(op)) || kind === 'AEXPR_BETWEEN') {
      addTo(this.out.range, r.table, r.column);
    }
  }

  targets(list: unknown): void {
    for (const t of arr(list)) {
      const rt = obj(obj(t)?.ResTarget);
      if (!rt) continue;
      if (typeof rt.name === 'string') this.targetAliases.add(rt.name);
      const fn = obj(obj(rt.val)?.FuncCall);
      if (!fn) continue;
      const fname = obj(obj(arr(fn.funcname).at(-1))?.String)?.sval;
      if (typeof fname !== 'string' || !AGGREGATES.has(fname)) continue;
      for (const a of arr(fn.args)) {
        const c = columnRef(a);
        const r = c && this.resolve(c);
        if (r) addTo(this.out.aggregated, r.table, r.column);
      }
    }
  }

  group(list: unknown): void {
    for (const g of arr(list)) {
      const c = columnRef(g);
      const r = c && this.resolve(c);
      if (r) addTo(this.out.groupBy, r.table, r.column);
    }
  }

  order(list: unknown): void {
    for (const s of arr(list)) {
      const sb = obj(obj(s)?.SortBy);
      const c = columnRef(sb?.node);
      if (!c || (c.length === 1 && this.targetAliases.has(c[0] as string))) continue; // ORDER BY an output alias
      const r = this.resolve(c);
      if (r) addTo(this.out.orderBy, r.table, { column: r.column, desc: sb?.sortby_dir === 'SORTBY_DESC' }, (a, b) => a.column === b.column);
    }
  }
}

/** Parses one statement; returns null when it cannot be parsed (then no index advice is given). */
export function readQueryColumns(sql: string): QueryColumns | null {
  let tree: unknown;
  try {
    tree = parseSync(sql);
  } catch {
    return null;
  }
  const stmt = obj(obj(arr(obj(tree)?.stmts)[0])?.stmt);
  if (!stmt) return null;
  const select = obj(stmt.SelectStmt);
  if (select) {
    const c = new Collector('select');
    for (const f of arr(select.fromClause)) c.fromItem(f);
    c.targets(select.targetList);
    c.where(select.whereClause);
    c.group(select.groupClause);
    c.order(select.sortClause);
    return c.out;
  }
  const update = obj(stmt.UpdateStmt);
  if (update) {
    const c = new Collector('update');
    c.addRangeVar(obj(update.relation));
    c.where(update.whereClause);
    return c.out;
  }
  const del = obj(stmt.DeleteStmt);
  if (del) {
    const c = new Collector('delete');
    c.addRangeVar(obj(del.relation));
    c.where(del.whereClause);
    return c.out;
  }
  const insert = obj(stmt.InsertStmt);
  if (insert) {
    const c = new Collector('insert');
    c.addRangeVar(obj(insert.relation));
    return c.out;
  }
  return { kind: 'other', tables: [], equality: new Map(), range: new Map(), groupBy: new Map(), orderBy: new Map(), aggregated: new Map() };
}

export interface IndexSuggestion {
  table: TableRef;
  /** Key columns in order: equality first, then one range column, then group/sort columns. */
  columns: Array<{ column: string; desc: boolean }>;
  include: string[];
}

/**
 * The index a statement wants on one table: equality columns, then the first range column
 * (an index can serve only one range), then GROUP BY / ORDER BY columns; aggregated columns
 * go in INCLUDE so the plan can be index-only. null when the statement filters nothing there.
 */
export function suggestIndex(q: QueryColumns, table: TableRef): IndexSuggestion | null {
  const t = table.table;
  const eq = q.equality.get(t) ?? [];
  const range = (q.range.get(t) ?? []).filter((c) => !eq.includes(c));
  if (eq.length === 0 && range.length === 0) return null;
  const cols: Array<{ column: string; desc: boolean }> = eq.map((column) => ({ column, desc: false }));
  const order = q.orderBy.get(t) ?? [];
  if (range[0] !== undefined) {
    const r = range[0];
    cols.push({ column: r, desc: order.find((o) => o.column === r)?.desc ?? false });
  }
  for (const g of [...(q.groupBy.get(t) ?? []), ...order.map((o) => o.column)]) {
    if (!cols.some((c) => c.column === g)) cols.push({ column: g, desc: order.find((o) => o.column === g)?.desc ?? false });
  }
  const include = (q.aggregated.get(t) ?? []).filter((c) => !cols.some((k) => k.column === c));
  return { table, columns: cols, include };
}

function ident(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) && !['user', 'order', 'group', 'table', 'select', 'from', 'where'].includes(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

export function createIndexStatement(s: IndexSuggestion): string {
  const name = `idx_${s.table.table}_${s.columns.map((c) => c.column).join('_')}`.slice(0, 63);
  const qualified = s.table.schema ? `${ident(s.table.schema)}.${ident(s.table.table)}` : ident(s.table.table);
  const cols = s.columns.map((c) => `${ident(c.column)}${c.desc ? ' DESC' : ''}`).join(', ');
  const include = s.include.length ? ` INCLUDE (${s.include.map(ident).join(', ')})` : '';
  return `CREATE INDEX CONCURRENTLY ${ident(name)} ON ${qualified} (${cols})${include};`;
}
