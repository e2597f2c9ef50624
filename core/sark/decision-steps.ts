import { contextDigest, serverDecisionKey, toolDecisionKey } from './cache/keys.js';
import type { TtlPolicy } from './cache/ttl-policy.js';
import type { CacheWrite } from './cache/decision-cache.js';
import type { Sensitivity } from './dataset.js';
import { encodeDecision } from './decision-codec.js';
import type { DataDeps } from './data/deps.js';
import type { AuditEntry, AuditLog, DetachedRunner } from './data/audit-log.js';
import type { ServerMetadata } from './data/server-metadata.js';
import type { ToolMetadata } from './data/tool-metadata.js';
import type { UserContext } from './data/user-context.js';
import type { CedarEngine, PolicyResource } from './policy/cedar-engine.js';

/** The pieces shared by single and batch evaluation. */

export interface EvaluationRequest {
  user_id: string;
  action: string;
  tool_id?: string;
  server_id?: string;
  context?: Record<string, unknown>;
}

export interface EvaluationResult {
  allow: boolean;
  reason: string;
  cached: boolean;
}

export interface EvaluatorDeps extends DataDeps {
  engine: CedarEngine;
  audit: AuditLog;
  ttl: TtlPolicy;
  detached: DetachedRunner;
}

/** A fresh decision (cache miss). Unknown users and resources are denied and not cached. */
export interface Decided {
  allow: boolean;
  reason: string;
  sensitivity: Sensitivity | undefined;
  cacheable: boolean;
}

/**
 * Stale-while-revalidate for critical decisions (seed, cache recommendation 2): an entry is
 * re-evaluated in the background once it is in the last 30% of its TTL, and it stays servable
 * for one extra TTL past freshness so the refresh can land before anyone sees a miss.
 */
export const SWR_REFRESH_FRACTION = 0.3;
export const SWR_STALE_GRACE_TTLS = 1;

export function isToolRequest(req: EvaluationRequest): req is EvaluationRequest & { tool_id: string } {
  return req.tool_id !== undefined;
}

export function decisionKey(req: EvaluationRequest): string {
  const digest = contextDigest(req.context);
  return isToolRequest(req)
    ? toolDecisionKey(req.user_id, req.tool_id, req.action, digest)
    : serverDecisionKey(req.server_id ?? '', req.user_id, req.action, digest);
}

export function unknownEntity(kind: 'user' | 'tool' | 'server', id: string): Decided {
  return { allow: false, reason: `denied: unknown ${kind} '${id}'`, sensitivity: undefined, cacheable: false };
}

export function toolResource(t: ToolMetadata): PolicyResource {
  return { type: 'Tool', id: t.id, sensitivity: t.sensitivity, teams: t.teams };
}

export function serverResource(s: ServerMetadata): PolicyResource {
  return { type: 'Server', id: s.id, sensitivity: s.sensitivity, teams: [s.ownerTeam] };
}

export async function evaluateCedar(
  deps: EvaluatorDeps,
  req: EvaluationRequest,
  user: UserContext,
  resource: PolicyResource,
  memberTeams: readonly string[],
): Promise<Decided> {
  const d = await deps.instr.span(deps.ctx, 'evaluate_cedar', () =>
    Promise.resolve(deps.engine.evaluate({ user, memberTeams, resource, action: req.action, context: req.context ?? {} })),
  );
  return { allow: d.allow, reason: d.reason, sensitivity: resource.sensitivity, cacheable: true };
}

/** The cache entry for a decision: TTL by sensitivity (adaptive if on), with SWR's grace for critical. */
export function cacheWriteFor(deps: EvaluatorDeps, key: string, d: Decided & { sensitivity: Sensitivity }): CacheWrite {
  const ttlS = deps.ttl.ttlFor(key, d.sensitivity);
  const swr = deps.knobs.staleWhileRevalidate && d.sensitivity === 'critical';
  return {
    key,
    value: encodeDecision({ allow: d.allow, reason: d.reason, sensitivity: d.sensitivity, freshUntilMs: Date.now() + ttlS * 1000, ttlS }),
    ttlS: swr ? ttlS * (1 + SWR_STALE_GRACE_TTLS) : ttlS,
    sensitivity: d.sensitivity,
  };
}

export function auditEntry(req: EvaluationRequest, result: EvaluationResult, evaluationDurationMs: number): AuditEntry {
  return {
    userId: req.user_id,
    toolId: req.tool_id ?? null,
    serverId: req.server_id ?? null,
    action: req.action,
    allow: result.allow,
    reason: result.reason,
    cached: result.cached,
    atMs: Date.now(),
    evaluationDurationMs,
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
