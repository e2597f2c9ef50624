import { teamMembershipKey } from '../cache/keys.js';
import { pgFail, type DataDeps } from './deps.js';

/**
 * load_team_memberships: which of the resource's teams (3-8 for a tool) the user belongs to.
 *
 * - teamMembershipCacheTtlS > 0: the user's whole team list comes from `team:membership:{user}`
 *   (one `user_id = $1` query on a miss), intersected here.
 * - otherwise batchTeamLookups decides: false checks team by team, one query each (the seed's
 *   N+1 pattern 3, above the detector's threshold for most tools); true: one `team_id = ANY($2)`.
 */

function encode(teams: readonly string[]): string {
  return JSON.stringify(teams);
}

function decode(value: string): string[] | null {
  try {
    const v = JSON.parse(value) as unknown;
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : null;
  } catch {
    return null;
  }
}

/**
 * A user's whole team list through `team:membership:{user}` (teamMembershipCacheTtlS > 0). An
 * empty list is not cached: unknown user ids must not fill the cache.
 */
export async function cachedUserTeams(deps: DataDeps, userId: string): Promise<string[]> {
  const key = teamMembershipKey(userId);
  const hit = await deps.cache.get(key);
  const teams = hit === null ? null : decode(hit);
  if (teams !== null) return teams;
  const rows = await deps.instr.within(deps.ctx, () => deps.pool.query<{ team_id: string }>('SELECT team_id FROM user_team_memberships WHERE user_id = $1', [userId])).catch(pgFail);
  const all = rows.rows.map((r) => r.team_id);
  if (all.length > 0) await deps.cache.set({ key, value: encode(all), ttlS: deps.knobs.teamMembershipCacheTtlS });
  return all;
}

export async function loadMemberTeams(deps: DataDeps, userId: string, teamIds: readonly string[]): Promise<string[]> {
  if (teamIds.length === 0) return [];
  if (deps.knobs.teamMembershipCacheTtlS > 0) {
    const member = new Set(await cachedUserTeams(deps, userId));
    return teamIds.filter((t) => member.has(t));
  }
  if (deps.knobs.batchTeamLookups) {
    const rows = await deps.instr
      .within(deps.ctx, () => deps.pool.query<{ team_id: string }>('SELECT team_id FROM user_team_memberships WHERE user_id = $1 AND team_id = ANY($2)', [userId, teamIds]))
      .catch(pgFail);
    return rows.rows.map((r) => r.team_id);
  }
  const member: string[] = [];
  for (const teamId of teamIds) {
    const rows = await deps.instr
      .within(deps.ctx, () => deps.pool.query<{ team_id: string }>('SELECT team_id FROM user_team_memberships WHERE user_id = $1 AND team_id = $2', [userId, teamId]))
      .catch(pgFail);
    if (rows.rows.length > 0) member.push(teamId);
  }
  return member;
}

/** The users' full team lists through the cache: pipelined reads, one query for the misses. */
async function cachedTeamsForUsers(deps: DataDeps, users: readonly string[]): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  const values = await deps.cache.getMany(users.map(teamMembershipKey), deps.knobs.redisPipelining);
  const missing: string[] = [];
  users.forEach((u, i) => {
    const v = values[i];
    const teams = v == null ? null : decode(v);
    if (teams === null) missing.push(u);
    else out.set(u, new Set(teams));
  });
  if (missing.length === 0) return out;
  const rows = await deps.instr
    .within(deps.ctx, () => deps.pool.query<{ user_id: string; team_id: string }>('SELECT user_id, team_id FROM user_team_memberships WHERE user_id = ANY($1)', [missing]))
    .catch(pgFail);
  for (const u of missing) out.set(u, new Set());
  for (const r of rows.rows) out.get(r.user_id)?.add(r.team_id);
  await deps.cache.setMany(
    missing
      .filter((u) => (out.get(u)?.size ?? 0) > 0)
      .map((u) => ({ key: teamMembershipKey(u), value: encode([...(out.get(u) ?? [])]), ttlS: deps.knobs.teamMembershipCacheTtlS })),
    deps.knobs.redisPipelining,
  );
  return out;
}

/**
 * Memberships for the cache misses of a batch: through the team cache when it is on; else
 * batchTeamLookups: one query for every (user, team) of the batch, or each request team by team.
 */
export async function loadMemberTeamsForBatch(
  deps: DataDeps,
  items: readonly { userId: string; teamIds: readonly string[] }[],
): Promise<string[][]> {
  const users = [...new Set(items.map((i) => i.userId))];
  if (deps.knobs.teamMembershipCacheTtlS > 0) {
    const byUser = await cachedTeamsForUsers(deps, users);
    return items.map((i) => {
      const member = byUser.get(i.userId);
      return member === undefined ? [] : i.teamIds.filter((t) => member.has(t));
    });
  }
  if (!deps.knobs.batchTeamLookups) {
    const out: string[][] = [];
    for (const item of items) out.push(await loadMemberTeams(deps, item.userId, item.teamIds));
    return out;
  }
  const teams = [...new Set(items.flatMap((i) => i.teamIds))];
  if (users.length === 0 || teams.length === 0) return items.map(() => []);
  const rows = await deps.instr
    .within(deps.ctx, () =>
      deps.pool.query<{ user_id: string; team_id: string }>(
        'SELECT user_id, team_id FROM user_team_memberships WHERE user_id = ANY($1) AND team_id = ANY($2)',
        [users, teams],
      ),
    )
    .catch(pgFail);
  const byUser = new Map<string, Set<string>>();
  for (const r of rows.rows) {
    const set = byUser.get(r.user_id) ?? new Set<string>();
    set.add(r.team_id);
    byUser.set(r.user_id, set);
  }
  return items.map((i) => {
    const member = byUser.get(i.userId);
    return member === undefined ? [] : i.teamIds.filter((t) => member.has(t));
  });
}
