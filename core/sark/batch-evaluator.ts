import type { CacheWrite } from './cache/decision-cache.js';
import { decodeDecision } from './decision-codec.js';
import {
  auditEntry,
  cacheWriteFor,
  decisionKey,
  evaluateCedar,
  isToolRequest,
  serverResource,
  sleep,
  toolResource,
  unknownEntity,
  type Decided,
  type EvaluationRequest,
  type EvaluationResult,
} from './decision-steps.js';
import { loadServer, type ServerMetadata } from './data/server-metadata.js';
import { loadMemberTeamsForBatch } from './data/team-memberships.js';
import { loadTools } from './data/tool-metadata.js';
import { loadUserContexts } from './data/user-context.js';
import { spanWith } from './data/deps.js';
import type { PolicyEvaluator } from './evaluator.js';
import type { SpanCtx } from './instrumentation-types.js';
import type { PolicyResource } from './policy/cedar-engine.js';

/**
 * Batch evaluate: where the seed's N+1 patterns 1 and 2 and its pipelining recommendation live.
 *
 *   evaluate_policy_batch
 *   ├── get_cached_decision    redisPipelining: one round trip for all keys; else one per request
 *   ├── load_user_context      userRoleInCache: cache + one query for the missing; else 2 per request
 *   ├── load_tool              eagerToolLoading: one `= ANY` query; else 2 per request
 *   ├── load_team_memberships  batchTeamLookups: one query; else one per team per request
 *   ├── evaluate_cedar         per miss
 *   └── cache_decision         redisPipelining: one round trip; else one per decision
 *   log_decision               one row per request
 */
export async function evaluateBatch(evaluator: PolicyEvaluator, reqs: readonly EvaluationRequest[], ctx: SpanCtx = null): Promise<EvaluationResult[]> {
  const deps = evaluator.at(ctx);
  const t0 = performance.now();
  const results = await spanWith(deps, 'evaluate_policy_batch', (d) => resolveBatch(evaluator, reqs, d));
  const elapsedMs = performance.now() - t0;
  const entries = reqs.map((req, i) => auditEntry(req, results[i] as EvaluationResult, elapsedMs));
  await spanWith(deps, 'log_decision', (d) => d.audit.logMany(entries, d.ctx));
  return results;
}

/** Cache lookups and, for the misses, decisions and cache writes. No audit rows. */
export async function resolveBatch(evaluator: PolicyEvaluator, reqs: readonly EvaluationRequest[], deps = evaluator.deps): Promise<EvaluationResult[]> {
  const { cache, knobs, ttl } = deps;
  // The injected latency is per evaluate call: once for a batch.
  if (knobs.injectLatencyMs > 0) await sleep(knobs.injectLatencyMs);
  const keys = reqs.map(decisionKey);
  for (const k of keys) ttl.noteAccess(k);
  const probes = knobs.redisPipelining
    ? await spanWith(deps, 'get_cached_decision', () => cache.probeMany(keys, true))
    : await sequential(keys, (k) => spanWith(deps, 'get_cached_decision', () => cache.probe(k)));

  const results: (EvaluationResult | undefined)[] = new Array(reqs.length);
  const misses: number[] = [];
  probes.forEach((probe, i) => {
    const hit = probe.value === null ? null : decodeDecision(probe.value);
    if (hit === null) {
      misses.push(i);
      return;
    }
    cache.recordProbe(probe, hit.sensitivity);
    evaluator.maybeRevalidate(reqs[i] as EvaluationRequest, probe.key, hit);
    results[i] = { allow: hit.allow, reason: hit.reason, cached: true };
  });
  if (misses.length === 0) return results as EvaluationResult[];

  const missReqs = misses.map((i) => reqs[i] as EvaluationRequest);
  const users = await spanWith(deps, 'load_user_context', (d) => loadUserContexts(d, missReqs.map((r) => r.user_id)));
  const toolIds = missReqs.filter(isToolRequest).map((r) => r.tool_id);
  const tools = toolIds.length > 0 ? await spanWith(deps, 'load_tool', (d) => loadTools(d, toolIds)) : new Map();
  const servers = new Map<string, ServerMetadata | null>();
  for (const r of missReqs) {
    if (isToolRequest(r) || r.server_id === undefined || servers.has(r.server_id)) continue;
    const id = r.server_id;
    servers.set(id, await spanWith(deps, 'load_server', (d) => loadServer(d, id)));
  }

  // Resolve what each miss needs; unknown users and resources are decided right away.
  const decided: (Decided | undefined)[] = new Array(missReqs.length);
  const resources: (PolicyResource | undefined)[] = new Array(missReqs.length);
  const pending: number[] = [];
  missReqs.forEach((r, j) => {
    const user = users.get(r.user_id) ?? null;
    if (user === null) {
      decided[j] = unknownEntity('user', r.user_id);
      return;
    }
    if (isToolRequest(r)) {
      const tool = tools.get(r.tool_id) ?? null;
      if (tool === null) decided[j] = unknownEntity('tool', r.tool_id);
      else resources[j] = toolResource(tool);
    } else {
      const server = servers.get(r.server_id ?? '') ?? null;
      if (server === null) decided[j] = unknownEntity('server', r.server_id ?? '');
      else resources[j] = serverResource(server);
    }
    if (decided[j] === undefined) pending.push(j);
  });
  const memberships = await spanWith(deps, 'load_team_memberships', (d) =>
    loadMemberTeamsForBatch(
      d,
      pending.map((j) => ({ userId: (missReqs[j] as EvaluationRequest).user_id, teamIds: (resources[j] as PolicyResource).teams })),
    ),
  );
  for (let p = 0; p < pending.length; p++) {
    const j = pending[p] as number;
    const r = missReqs[j] as EvaluationRequest;
    const user = users.get(r.user_id);
    if (user == null) continue;
    decided[j] = await evaluateCedar(deps, r, user, resources[j] as PolicyResource, memberships[p] ?? []);
  }

  const writes: CacheWrite[] = [];
  misses.forEach((i, j) => {
    const d = decided[j] as Decided;
    cache.recordProbe(probes[i] as (typeof probes)[number], d.sensitivity);
    results[i] = { allow: d.allow, reason: d.reason, cached: false };
    if (d.cacheable && d.sensitivity !== undefined) writes.push(cacheWriteFor(deps, keys[i] as string, { ...d, sensitivity: d.sensitivity }));
  });
  if (writes.length > 0) {
    if (knobs.redisPipelining) await spanWith(deps, 'cache_decision', () => cache.setMany(writes, true));
    else await sequential(writes, (w) => spanWith(deps, 'cache_decision', () => cache.set(w)));
  }
  return results as EvaluationResult[];
}

async function sequential<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await fn(item));
  return out;
}
