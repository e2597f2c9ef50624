import type { CallTreeNode, QueryFingerprintStats, Recommendation } from '../profiling/report-types.js';
import type { SessionReport } from '../report/types.js';
import { readQueryColumns } from './sql-columns.js';

/**
 * The seed report's recommendations, derived from a session's own numbers. Each rule returns
 * nothing unless the data supports it; the evidence lines quote this session's figures.
 * Thresholds are named with the reason beside them.
 */

export type RecommendInput = Omit<SessionReport, 'recommendations' | 'summary'> & {
  summary: Omit<SessionReport['summary'], 'checks'>;
};

/** The seed's limit: exhausted more than 1% of the time is above its threshold. */
const POOL_EXHAUSTION_PCT = 1;
/** Headroom over the observed peak when sizing the pool (the seed went 20 -> 30 for a p99 of 27). */
const POOL_SIZING_FACTOR = 1.1;
/** A SELECT issued in at least this share of requests is "hot". */
const HOT_QUERY_PER_REQUEST = 0.2;
/** ... and executed at least this often, so the saving is worth a cache. */
const HOT_QUERY_MIN_CALLS = 100;
/** A write issued once per request (or more) whose share of DB time is at least this is worth batching. */
const AUDIT_WRITE_TIME_SHARE = 0.15;
/** Sequential cache GETs per batch request worth a pipeline (the seed: "3.2 ms x N"). */
const PIPELINE_MIN_GETS_PER_CALL = 3;
/** Hit rate below which a sensitivity level's TTL is too short for its reuse (seed: critical 42%). */
const LOW_HIT_RATE = 0.5;
/** TTL the seed suggests for critical tools, when the security policy allows. */
const SUGGESTED_CRITICAL_TTL_S = 60;
/** Cold start: the first seconds' hit rate below this share of the steady hit rate. */
const COLD_START_RATIO = 0.6;
/** Long-held connections (> 1 s) from writes that count as starving reads. */
const LONG_HELD_MIN = 1;

const pct = (x: number, d = 1) => `${(x * 100).toFixed(d)}%`;
const ms = (x: number) => (x < 1 ? x.toFixed(2) : x.toFixed(1));

function isWrite(q: QueryFingerprintStats): boolean {
  return /^\s*(insert|update|delete)\b/i.test(q.query);
}

function writtenTables(r: RecommendInput): Set<string> {
  const out = new Set<string>();
  for (const q of r.queries.by_fingerprint) {
    if (!isWrite(q)) continue;
    for (const t of readQueryColumns(q.query)?.tables ?? []) out.add(t.table);
  }
  return out;
}

export function poolSizeRule(r: RecommendInput): Recommendation | null {
  const p = r.pool;
  if (!p || p.samples === 0) return null;
  // The seed's rule: exhausted more than 1% of the time. A p99 at the limit without that much
  // waiting is headroom worth watching (the checks table shows it), not a change to make.
  if (p.exhaustion_time_pct <= POOL_EXHAUSTION_PCT) return null;
  const peakWaiting = p.waiting?.max ?? 0;
  const newSize = Math.max(p.size + 1, Math.ceil((p.checked_out.max + peakWaiting) * POOL_SIZING_FACTOR));
  const newOverflow = Math.max(p.max_overflow, Math.ceil(newSize / 2));
  return {
    id: 'pool-size',
    title: `Increase the connection pool from ${p.size} to ${newSize}`,
    impact: 'high',
    effort: 'low',
    evidence: [
      `Pool exhausted ${p.exhaustion_time_pct.toFixed(2)}% of the time (target < ${POOL_EXHAUSTION_PCT}%) in ${p.exhaustion_events} event${p.exhaustion_events === 1 ? "" : "s"}`,
      `Checked-out connections p95/p99/max: ${p.checked_out.p95}/${p.checked_out.p99}/${p.checked_out.max} against a base size of ${p.size} (+${p.max_overflow} overflow)`,
      ...(peakWaiting > 0 ? [`Up to ${peakWaiting} requests waited for a connection`] : []),
    ],
    action: `pool_size=${newSize}, max_overflow=${newOverflow}\n(node-postgres: new Pool({ max: ${newSize + newOverflow} }); keep max_connections on the server above the sum of all pools)`,
  };
}

/** `col = $n` -> `col = ANY($n)` on the last equality (the loop variable in an N+1). */
export function batchedRewrite(query: string): string {
  const matches = [...query.matchAll(/(\b[\w."]+\s*)=\s*(\$\d+)/g)];
  const last = matches.at(-1);
  if (!last || last.index === undefined) return query;
  const [whole, col, param] = last as unknown as [string, string, string];
  return `${query.slice(0, last.index)}${col}= ANY(${param})${query.slice(last.index + whole.length)}`;
}

export function nPlusOneRules(r: RecommendInput): Recommendation[] {
  return r.n_plus_one.map((n, i) => ({
    id: `n-plus-one-${i + 1}`,
    title: `Fix the N+1 query at ${n.call_site ?? 'an unknown call site'}`,
    impact: 'high',
    effort: 'medium',
    evidence: [
      `${n.occurrences.toLocaleString('en-US')} executions of \`${n.query}\` ` +
        (n.traces_affected ? `in ${n.traces_affected.toLocaleString('en-US')} requests (up to ${n.max_per_trace} per request)` : 'in bursts'),
      `${Math.round(n.total_duration_ms).toLocaleString('en-US')} ms spent in the pattern`,
      `Called from ${n.call_site ?? 'unknown'}; example: ${n.example}`,
    ],
    action: `Replace the loop with one query that fetches every row at once:\n${batchedRewrite(n.query)}\n(pass the array of ids the loop iterates over)`,
  }));
}

/** Hot reads of tables nothing writes: one recommendation, the biggest first in its evidence. */
export function cachingCandidateRules(r: RecommendInput): Recommendation[] {
  const requests = r.summary.requests;
  if (requests === 0) return [];
  const written = writtenTables(r);
  const nPlusOne = new Set(r.n_plus_one.map((n) => n.fingerprint));
  const hot: Array<{ q: QueryFingerprintStats; tables: string[]; perRequest: number }> = [];
  for (const q of r.queries.by_fingerprint) {
    if (isWrite(q) || !/^\s*select\b/i.test(q.query) || nPlusOne.has(q.fingerprint)) continue;
    const perRequest = q.count / requests;
    if (q.count < HOT_QUERY_MIN_CALLS || perRequest < HOT_QUERY_PER_REQUEST) continue;
    const cols = readQueryColumns(q.query);
    const tables = (cols?.tables ?? []).map((t) => t.table);
    if (!cols || tables.length === 0 || tables.some((t) => written.has(t))) continue;
    // A query keyed by an id (equality filter) is cacheable per key; a scan is not.
    if (tables.every((t) => (cols.equality.get(t) ?? []).length === 0)) continue;
    hot.push({ q, tables, perRequest });
  }
  if (hot.length === 0) return [];
  hot.sort((a, b) => b.q.total_ms - a.q.total_ms);
  const names = [...new Set(hot.flatMap((h) => h.tables))];
  const totalMs = hot.reduce((a, h) => a + h.q.total_ms, 0);
  return [
    {
      id: `cache-${names.join('-')}`,
      title: `Cache ${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''} lookups in the application`,
      impact: 'high',
      effort: 'low',
      evidence: [
        ...hot.map(
          (h) =>
            `\`${h.q.query.replace(/\s+/g, ' ')}\` ran ${h.q.count.toLocaleString('en-US')} times (${h.perRequest.toFixed(2)} per request), mean ${ms(h.q.mean_ms)} ms, ${Math.round(h.q.total_ms).toLocaleString('en-US')} ms in total`,
        ),
        `No statement in this session wrote to ${names.join(', ')}; together these reads took ${Math.round(totalMs).toLocaleString('en-US')} ms of database time`,
      ],
      action: `Keep each result per key in a cache with a 300 s TTL (invalidate on change): a bounded LRU in process or a Redis key per id. For users, keep the roles in the same cached object.`,
    },
  ];
}

export function auditBatchingRule(r: RecommendInput): Recommendation | null {
  const requests = r.summary.requests;
  const totalMs = r.queries.by_fingerprint.reduce((a, q) => a + q.total_ms, 0);
  if (requests === 0 || totalMs === 0) return null;
  const inserts = r.queries.by_fingerprint.filter((q) => /^\s*insert\b/i.test(q.query));
  const worst = inserts.sort((a, b) => b.total_ms - a.total_ms)[0];
  if (!worst) return null;
  const perRequest = worst.count / requests;
  const share = worst.total_ms / totalMs;
  // One insert per decision (or more) is what batching fixes; an already batched write runs far less often.
  if (perRequest < 0.5 || share < AUDIT_WRITE_TIME_SHARE) return null;
  const table = readQueryColumns(worst.query)?.tables[0]?.table ?? 'the audit table';
  return {
    id: 'audit-batching',
    title: `Batch writes to ${table}`,
    impact: 'high',
    effort: 'medium',
    evidence: [
      `\`${worst.query}\` ran ${worst.count.toLocaleString('en-US')} times (${perRequest.toFixed(2)} per request)`,
      `It takes ${pct(share)} of all database time (${ms(worst.total_ms)} ms), holding a pool connection for each row`,
      ...(r.pool ? [`Average connection checkout ${ms(r.pool.avg_checkout_ms)} ms`] : []),
    ],
    action: `Buffer rows in memory and write them with one multi-row INSERT every 100 rows or 1 s (whichever comes first), outside the request path; flush on shutdown.`,
  };
}

function findPath(nodes: CallTreeNode[], parentName: RegExp, childName: RegExp): { parent: CallTreeNode; child: CallTreeNode } | null {
  const stack = [...nodes];
  while (stack.length > 0) {
    const n = stack.pop() as CallTreeNode;
    if (parentName.test(n.name)) {
      const child = n.children.find((c) => childName.test(c.name));
      if (child) return { parent: n, child };
    }
    stack.push(...n.children);
  }
  return null;
}

export function pipeliningRule(r: RecommendInput): Recommendation | null {
  const found = findPath(r.call_tree, /batch/i, /get_cached_decision|cache_get|redis_get/i);
  if (!found || found.parent.calls === 0) return null;
  const perCall = found.child.calls / found.parent.calls;
  if (perCall < PIPELINE_MIN_GETS_PER_CALL) return null;
  return {
    id: 'redis-pipelining',
    title: 'Pipeline cache reads in batch evaluation',
    impact: 'medium',
    effort: 'medium',
    evidence: [
      `${found.parent.name} made ${perCall.toFixed(1)} sequential ${found.child.name} calls per request (${found.child.calls.toLocaleString('en-US')} in ${found.parent.calls.toLocaleString('en-US')} requests)`,
      `Each costs a round trip: ${ms(found.child.total_ms / Math.max(1, found.child.calls))} ms mean`,
    ],
    action: `Read all keys of a batch in one round trip: redis.pipeline() with one GET per key (or MGET), then evaluate only the misses.`,
  };
}

function sensitivity(r: RecommendInput, name: string) {
  return r.cache?.by_sensitivity.find((s) => s.sensitivity.toLowerCase() === name);
}

export function ttlRule(r: RecommendInput): Recommendation | null {
  const crit = sensitivity(r, 'critical');
  if (!crit || crit.operations < 50 || crit.hit_rate >= LOW_HIT_RATE) return null;
  if (crit.ttl_s === null || crit.ttl_s >= SUGGESTED_CRITICAL_TTL_S) return null;
  return {
    id: 'critical-ttl',
    title: `Raise the critical-tool cache TTL from ${Math.round(crit.ttl_s)} s to ${SUGGESTED_CRITICAL_TTL_S} s`,
    impact: 'low',
    effort: 'low',
    evidence: [`Critical decisions hit the cache ${pct(crit.hit_rate)} of the time with a ${Math.round(crit.ttl_s)} s TTL (${crit.operations} operations)`],
    action: `CACHE_TTL_BY_SENSITIVITY.critical = ${SUGGESTED_CRITICAL_TTL_S}  (only if the security policy accepts a decision up to ${SUGGESTED_CRITICAL_TTL_S} s old)`,
  };
}

export function staleWhileRevalidateRule(r: RecommendInput): Recommendation | null {
  const crit = sensitivity(r, 'critical');
  if (!crit || crit.operations < 50 || crit.hit_rate >= LOW_HIT_RATE) return null;
  const overall = r.cache?.hit_rate ?? 0;
  return {
    id: 'stale-while-revalidate',
    title: 'Serve critical decisions stale-while-revalidate',
    impact: 'medium',
    effort: 'high',
    evidence: [
      `Critical keys hit ${pct(crit.hit_rate)} against ${pct(overall)} overall`,
      `Critical misses pay the full evaluation (cache miss path) on every expiry`,
    ],
    action: `When a critical key is in the last 30% of its TTL, return the cached decision and re-evaluate in the background; evaluate synchronously only on a true miss.`,
  };
}

export function prewarmRule(r: RecommendInput): Recommendation | null {
  const points = r.timeline.filter((p) => p.cache_hit_rate !== null && p.rps > 0);
  if (points.length < 20) return null;
  const head = points.slice(0, Math.max(3, Math.floor(points.length * 0.1)));
  const tail = points.slice(Math.floor(points.length / 2));
  const avg = (xs: typeof points) => xs.reduce((a, p) => a + (p.cache_hit_rate as number), 0) / xs.length;
  const cold = avg(head);
  const steady = avg(tail);
  if (steady < 0.3 || cold >= steady * COLD_START_RATIO) return null;
  return {
    id: 'prewarm',
    title: 'Pre-warm the decision cache on startup',
    impact: 'low',
    effort: 'low',
    evidence: [`Hit rate in the first ${head.length} s was ${pct(cold)} against ${pct(steady)} once warm`],
    action: `At startup, evaluate and cache the most frequent user/tool pairs (e.g. the top 50 users x top 20 tools from yesterday's audit log) before taking traffic.`,
  };
}

export function separatePoolsRule(r: RecommendInput): Recommendation | null {
  const p = r.pool;
  if (!p || p.exhaustion_events === 0) return null;
  const totalMs = r.queries.by_fingerprint.reduce((a, q) => a + q.total_ms, 0);
  const writeMs = r.queries.by_fingerprint.filter(isWrite).reduce((a, q) => a + q.total_ms, 0);
  const longHeld = p.long_held?.length ?? 0;
  const writeShare = totalMs > 0 ? writeMs / totalMs : 0;
  if (writeShare < 0.3 && longHeld < LONG_HELD_MIN) return null;
  return {
    id: 'separate-pools',
    title: 'Give audit writes their own connection pool',
    impact: 'medium',
    effort: 'high',
    evidence: [
      `Writes take ${pct(writeShare)} of database time while reads waited for connections in ${p.exhaustion_events} exhaustion events`,
      ...(longHeld > 0 ? [`${longHeld} connections were held > 1 s${p.long_held?.[0]?.call_site ? ` (e.g. from ${p.long_held[0].call_site})` : ''}`] : []),
    ],
    action: `Use one pool for policy reads (e.g. 25 + 10 overflow) and a small one for audit writes (e.g. 10 + 5), so a write backlog cannot block authorization decisions.`,
  };
}
