import type { Role } from '../dataset.js';
import { userRoleKey } from '../cache/keys.js';
import { pgFail, type DataDeps } from './deps.js';

/**
 * load_user_context: the user and its role. Baseline: two queries per cache miss (users, then
 * user_roles: the seed's N+1 pattern 2 when a batch loops over requests). userRoleInCache: the
 * user with its roles lives in `user:role:{user}`, loaded in one query (users joined with
 * user_roles) on a miss, and a batch loads all its missing users in one query.
 */

export interface UserContext {
  id: string;
  active: boolean;
  role: Role;
}

/** A user-with-roles cache entry lives as long as the longest decision TTL (public, 300 s). */
export const USER_CACHE_TTL_S = 300;

const ROLE_RANK: Record<Role, number> = { admin: 3, developer: 2, viewer: 1 };

function strongestRole(roles: readonly string[]): Role {
  let best: Role = 'viewer';
  for (const r of roles) if (r in ROLE_RANK && ROLE_RANK[r as Role] > ROLE_RANK[best]) best = r as Role;
  return best;
}

function encode(u: UserContext): string {
  return JSON.stringify({ a: u.active, r: u.role });
}

function decode(id: string, value: string): UserContext | null {
  try {
    const v = JSON.parse(value) as { a?: unknown; r?: unknown };
    if (typeof v.a !== 'boolean' || typeof v.r !== 'string' || !(v.r in ROLE_RANK)) return null;
    return { id, active: v.a, role: v.r as Role };
  } catch {
    return null;
  }
}

/** Users joined with their roles: `$1` is one id, or an array of ids (a batch). */
const USERS_WITH_ROLES_SQL = 'SELECT u.id, u.active, r.role FROM users u LEFT JOIN user_roles r ON r.user_id = u.id WHERE ';

interface UserRoleRow {
  id: string;
  active: boolean;
  role: string | null;
}

/** Rows of USERS_WITH_ROLES_SQL (one per user and role) folded into one context per user. */
function usersFromRows(rows: readonly UserRoleRow[]): Map<string, UserContext> {
  const byId = new Map<string, { active: boolean; roles: string[] }>();
  for (const r of rows) {
    const e = byId.get(r.id) ?? { active: r.active, roles: [] };
    if (r.role !== null) e.roles.push(r.role);
    byId.set(r.id, e);
  }
  const out = new Map<string, UserContext>();
  for (const [id, e] of byId) out.set(id, { id, active: e.active, role: strongestRole(e.roles) });
  return out;
}

/** The user with its roles in one round trip (the userRoleInCache shape). */
async function queryUserWithRoles(deps: DataDeps, userId: string): Promise<UserContext | null> {
  const rows = await deps.instr.within(deps.ctx, () => deps.pool.query<UserRoleRow>(`${USERS_WITH_ROLES_SQL}u.id = $1`, [userId])).catch(pgFail);
  return usersFromRows(rows.rows).get(userId) ?? null;
}

async function queryUser(deps: DataDeps, userId: string): Promise<UserContext | null> {
  const user = await deps.instr.within(deps.ctx, () => deps.pool.query<{ id: string; active: boolean }>('SELECT id, active FROM users WHERE id = $1', [userId])).catch(pgFail);
  const row = user.rows[0];
  if (row === undefined) return null;
  const roles = await deps.instr.within(deps.ctx, () => deps.pool.query<{ role: string }>('SELECT role FROM user_roles WHERE user_id = $1', [userId])).catch(pgFail);
  return { id: row.id, active: row.active, role: strongestRole(roles.rows.map((r) => r.role)) };
}

export async function loadUserContext(deps: DataDeps, userId: string): Promise<UserContext | null> {
  if (!deps.knobs.userRoleInCache) return queryUser(deps, userId);
  const key = userRoleKey(userId);
  const cached = await deps.cache.get(key);
  const hit = cached === null ? null : decode(userId, cached);
  if (hit !== null) return hit;
  const user = await queryUserWithRoles(deps, userId);
  if (user !== null) await deps.cache.set({ key, value: encode(user), ttlS: USER_CACHE_TTL_S });
  return user;
}

/** Users for the requests of a batch (one entry per distinct id; unknown ids map to null). */
export async function loadUserContexts(deps: DataDeps, userIds: readonly string[]): Promise<Map<string, UserContext | null>> {
  const out = new Map<string, UserContext | null>();
  if (!deps.knobs.userRoleInCache) {
    // The "before" shape: one lookup per request, as an ORM loop does.
    for (const id of userIds) out.set(id, await queryUser(deps, id));
    return out;
  }
  const distinct = [...new Set(userIds)];
  const cached = await deps.cache.getMany(distinct.map(userRoleKey), deps.knobs.redisPipelining);
  const missing: string[] = [];
  distinct.forEach((id, i) => {
    const v = cached[i];
    const hit = v == null ? null : decode(id, v);
    if (hit !== null) out.set(id, hit);
    else missing.push(id);
  });
  if (missing.length === 0) return out;
  const rows = await deps.instr.within(deps.ctx, () => deps.pool.query<UserRoleRow>(`${USERS_WITH_ROLES_SQL}u.id = ANY($1)`, [missing])).catch(pgFail);
  const users = usersFromRows(rows.rows);
  const writes = [];
  for (const id of missing) {
    const user = users.get(id);
    if (user === undefined) {
      out.set(id, null);
      continue;
    }
    out.set(id, user);
    writes.push({ key: userRoleKey(id), value: encode(user), ttlS: USER_CACHE_TTL_S });
  }
  await deps.cache.setMany(writes, deps.knobs.redisPipelining);
  return out;
}
