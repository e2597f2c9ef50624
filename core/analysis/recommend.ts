import type { QueryFingerprintStats, Recommendation } from '../profiling/report-types.js';
import { explainGeneric, seqScans, tableIndexInfo, type PlanDb } from './explain.js';
import {
  auditBatchingRule,
  cachingCandidateRules,
  nPlusOneRules,
  pipeliningRule,
  poolSizeRule,
  prewarmRule,
  separatePoolsRule,
  staleWhileRevalidateRule,
  ttlRule,
  type RecommendInput,
} from './recommend-rules.js';
import { createIndexStatement, loadParser, readQueryColumns, suggestIndex } from './sql-columns.js';

export type { RecommendInput } from './recommend-rules.js';

/**
 * PgHero's thresholds for a query worth an index: slow (mean >= 20 ms) and frequent
 * (>= 100 calls), or slow beyond the slow-query threshold even if rare; on a table big enough
 * that a scan hurts (>= 10,000 rows).
 */
const INDEX_MEAN_MS = 20;
const INDEX_MIN_CALLS = 100;
const INDEX_MIN_ROWS = 10_000;

export interface RecommendOptions {
  /** A read-only connection to the target's database, to verify index advice with EXPLAIN. */
  db?: PlanDb;
}

/**
 * With a database to ask, PgHero's thresholds pick candidates and EXPLAIN decides. Without one,
 * only a statement slow on average is a candidate: a point lookup that is slow only because it
 * queued behind something else (a busy pool, a serialised embedded database) is not.
 */
function wantsIndex(q: QueryFingerprintStats, slowMs: number, verifiable: boolean): boolean {
  if (!/^\s*(select|with)\b/i.test(q.query)) return false;
  if (!verifiable) return q.mean_ms >= slowMs;
  return (q.mean_ms >= INDEX_MEAN_MS && q.count >= INDEX_MIN_CALLS) || q.p95_ms >= slowMs || q.max_ms >= slowMs * 2;
}

async function indexRules(r: RecommendInput, db: PlanDb | undefined): Promise<Recommendation[]> {
  const slowMs = r.queries.slow_query_threshold_ms ?? 100;
  const out: Recommendation[] = [];
  await loadParser();
  const nPlusOne = new Set(r.n_plus_one.map((n) => n.fingerprint));
  for (const q of r.queries.by_fingerprint) {
    if (nPlusOne.has(q.fingerprint) || !wantsIndex(q, slowMs, db !== undefined)) continue;
    const cols = readQueryColumns(q.query);
    if (!cols) continue;
    for (const table of cols.tables) {
      const s = suggestIndex(cols, table);
      if (!s) continue;
      const evidence = [
        `\`${q.query.replace(/\s+/g, ' ')}\` ran ${q.count.toLocaleString('en-US')} times: mean ${q.mean_ms.toFixed(1)} ms, p95 ${q.p95_ms.toFixed(1)} ms, ${Math.round(q.total_ms).toLocaleString('en-US')} ms in total`,
        `It filters ${table.table} on ${s.columns.map((c) => c.column).join(', ')} (read from the parse tree)`,
      ];
      if (db) {
        const info = await tableIndexInfo(db, table);
        const lead = s.columns[0]?.column;
        if (info && lead && info.indexes.some((i) => i.columns[0] === lead)) continue; // already indexed on the leading column
        if (info && info.rows < INDEX_MIN_ROWS) continue; // small tables scan fast
        const plan = await explainGeneric(db, q.query);
        if (plan && !seqScans(plan, table)) continue; // the planner does not scan it: no index needed
        if (info) evidence.push(`${table.table} has about ${Math.round(info.rows).toLocaleString('en-US')} rows and no index leading with ${lead}`);
        if (plan) evidence.push(`EXPLAIN (generic plan, read-only, rolled back) shows a sequential scan on ${table.table}`);
        else evidence.push('Not verified with EXPLAIN (the planner refused the statement)');
      } else {
        evidence.push('Not verified with EXPLAIN: no connection to the target database in this session');
      }
      out.push({
        id: `index-${table.table}-${s.columns.map((c) => c.column).join('-')}`,
        title: `Add an index on ${table.table} (${s.columns.map((c) => c.column).join(', ')})`,
        impact: 'high',
        effort: 'low',
        evidence,
        action: createIndexStatement(s),
      });
    }
  }
  return out;
}

const IMPACT_RANK = { high: 0, medium: 1, low: 2 } as const;
const EFFORT_RANK = { low: 0, medium: 1, high: 2 } as const;

/**
 * Database or request time a recommendation addresses in this session, to order findings of the
 * same impact: the N+1 that cost 29 s comes before the index that would save 0.5 s.
 */
function weightMs(rec: Recommendation, r: RecommendInput): number {
  if (rec.id.startsWith('n-plus-one-')) return r.n_plus_one[Number(rec.id.slice('n-plus-one-'.length)) - 1]?.total_duration_ms ?? 0;
  if (rec.id.startsWith('index-') || rec.id.startsWith('cache-')) {
    // The evidence quotes the statements; sum the time of the fingerprints it names.
    return r.queries.by_fingerprint.filter((q) => rec.evidence.some((e) => e.includes(q.query.replace(/\s+/g, ' ')) || e.includes(q.query))).reduce((a, q) => a + q.total_ms, 0);
  }
  if (rec.id === 'pool-size' && r.pool) return (r.pool.exhaustion_time_pct / 100) * r.session.duration_s * 1000 * Math.max(1, r.pool.waiting?.avg ?? 1);
  if (rec.id === 'audit-batching') return r.queries.by_fingerprint.filter((q) => /^\s*insert\b/i.test(q.query)).reduce((a, q) => a + q.total_ms, 0);
  return 0;
}

/** All recommendations the session's data supports, ranked by impact (as the seed ranks them), then by the time at stake. */
export async function recommend(r: RecommendInput, opts: RecommendOptions = {}): Promise<Recommendation[]> {
  await loadParser();
  const all: Recommendation[] = [
    ...[poolSizeRule(r)].filter((x): x is Recommendation => x !== null),
    ...(await indexRules(r, opts.db)),
    ...cachingCandidateRules(r),
    ...nPlusOneRules(r),
    ...[auditBatchingRule(r), pipeliningRule(r), staleWhileRevalidateRule(r), separatePoolsRule(r), prewarmRule(r), ttlRule(r)].filter(
      (x): x is Recommendation => x !== null,
    ),
  ];
  const seen = new Set<string>();
  return all
    .filter((x) => (seen.has(x.id) ? false : (seen.add(x.id), true)))
    .map((x, i) => ({ x, i, w: weightMs(x, r) }))
    .sort((a, b) => IMPACT_RANK[a.x.impact] - IMPACT_RANK[b.x.impact] || b.w - a.w || EFFORT_RANK[a.x.effort] - EFFORT_RANK[b.x.effort] || a.i - b.i)
    .map(({ x }) => x);
}
