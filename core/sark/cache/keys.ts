/**
 * The key scheme, shared by both cache backends and by invalidation. Ids are validated
 * (`[A-Za-z0-9_.-]`, see http/schemas.ts) before they reach a key, so they cannot smuggle glob
 * characters into an invalidation pattern.
 *
 * - decisions on tools: `policy:{user}:{tool}:{action}` (analyzer pattern policy:user:*)
 * - decisions on servers: `policy:{server}:{user}:{action}` (policy:server:*)
 * - tool metadata and sensitivity: `sensitivity:{tool}` (sensitivity:tool:*)
 * - a user with its roles: `user:role:{user}` (user:role:*)
 * - a user's teams: `team:membership:{user}` (team:membership:*)
 *
 * A request context that can change the decision (e.g. `{mfa: true}`) is part of the question,
 * so a non-empty context appends a short digest: `policy:{user}:{tool}:{action}:{digest}`.
 * Without it, a decision made with MFA would be served to a request without it.
 */

/** FNV-1a 32-bit over a canonical JSON of the context (keys sorted). */
export function contextDigest(context: Record<string, unknown> | undefined): string | null {
  if (context === undefined) return null;
  const keys = Object.keys(context);
  if (keys.length === 0) return null;
  keys.sort();
  let text = '';
  for (const k of keys) text += `${k}=${JSON.stringify(context[k])};`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

export function toolDecisionKey(userId: string, toolId: string, action: string, digest: string | null): string {
  const key = `policy:${userId}:${toolId}:${action}`;
  return digest === null ? key : `${key}:${digest}`;
}

export function serverDecisionKey(serverId: string, userId: string, action: string, digest: string | null): string {
  const key = `policy:${serverId}:${userId}:${action}`;
  return digest === null ? key : `${key}:${digest}`;
}

export function toolMetadataKey(toolId: string): string {
  return `sensitivity:${toolId}`;
}

export function userRoleKey(userId: string): string {
  return `user:role:${userId}`;
}

export function teamMembershipKey(userId: string): string {
  return `team:membership:${userId}`;
}

/** Globs that find every key of the scheme (manual flush, startup reset). */
export const ALL_KEY_PATTERNS = ['policy:*', 'sensitivity:*', 'user:role:*', 'team:membership:*'] as const;
/** Every decision (policy update). */
export const DECISION_PATTERNS = ['policy:*'] as const;

/** A user's decisions: on tools, and on servers. */
export function userDecisionPatterns(userId: string): string[] {
  return [`policy:${userId}:*`, `policy:server-*:${userId}:*`];
}

/** Decisions on one tool, by any user. */
export function toolDecisionPatterns(toolId: string): string[] {
  return [`policy:user-*:${toolId}:*`];
}
