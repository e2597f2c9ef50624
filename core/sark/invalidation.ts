import type { DecisionCache } from './cache/decision-cache.js';
import {
  ALL_KEY_PATTERNS,
  DECISION_PATTERNS,
  teamMembershipKey,
  toolDecisionPatterns,
  toolMetadataKey,
  userDecisionPatterns,
  userRoleKey,
} from './cache/keys.js';
import type { SarkInstrumentation } from './instrumentation-types.js';

/**
 * Cache invalidation by trigger (the seed's "Invalidation Triggers" table). The change itself
 * happened elsewhere (an identity provider, a policy repository); this endpoint removes exactly
 * the keys it makes wrong, and records the invalidation under its trigger:
 *
 * - user_role_change {user_id}: that user's decisions (tools and servers) and `user:role:{user}`
 * - team_membership_update {user_id, team_id?}: that user's decisions and `team:membership:{user}`
 * - policy_update: every decision (`policy:*`); metadata and users stay
 * - tool_sensitivity_change {tool_id}: decisions on that tool and `sensitivity:{tool}`
 * - manual_flush: every key of the scheme
 */
export const INVALIDATION_TRIGGERS = [
  'user_role_change',
  'team_membership_update',
  'policy_update',
  'tool_sensitivity_change',
  'manual_flush',
] as const;
export type InvalidationTrigger = (typeof INVALIDATION_TRIGGERS)[number];

export type InvalidationRequest =
  | { trigger: 'user_role_change'; user_id: string }
  | { trigger: 'team_membership_update'; user_id: string; team_id?: string }
  | { trigger: 'policy_update' }
  | { trigger: 'tool_sensitivity_change'; tool_id: string }
  | { trigger: 'manual_flush' };

export interface InvalidationResult {
  trigger: InvalidationTrigger;
  keys_removed: number;
  patterns: string[];
}

function plan(req: InvalidationRequest): { keys: string[]; patterns: string[] } {
  switch (req.trigger) {
    case 'user_role_change':
      return { keys: [userRoleKey(req.user_id)], patterns: userDecisionPatterns(req.user_id) };
    case 'team_membership_update':
      return { keys: [teamMembershipKey(req.user_id)], patterns: userDecisionPatterns(req.user_id) };
    case 'policy_update':
      return { keys: [], patterns: [...DECISION_PATTERNS] };
    case 'tool_sensitivity_change':
      return { keys: [toolMetadataKey(req.tool_id)], patterns: toolDecisionPatterns(req.tool_id) };
    case 'manual_flush':
      return { keys: [], patterns: [...ALL_KEY_PATTERNS] };
  }
}

export async function invalidate(cache: DecisionCache, instr: SarkInstrumentation, req: InvalidationRequest): Promise<InvalidationResult> {
  const { keys, patterns } = plan(req);
  const removed = await cache.delete(keys, patterns);
  instr.recordInvalidation(req.trigger, removed);
  return { trigger: req.trigger, keys_removed: removed, patterns: [...keys, ...patterns] };
}

/** Startup: every run starts with a cold cache of this key scheme (not recorded as an invalidation). */
export async function clearCacheAtStartup(cache: DecisionCache): Promise<number> {
  let removed = 0;
  for (const p of ALL_KEY_PATTERNS) removed += await cache.backend.deleteMatching(p);
  return removed;
}
