import { pgFail, type DataDeps } from './deps.js';

/**
 * load_team_memberships: which of the resource's teams (3-8 for a tool) the user belongs to.
 * batchTeamLookups=false checks team by team, one query each: the seed's N+1 pattern 3, above
 * the detector's threshold for most tools. true: one `team_id = ANY($2)` query.
 */
export async function loadMemberTeams(deps: DataDeps, userId: string, teamIds: readonly string[]): Promise<string[]> {
  if (teamIds.length === 0) return [];
  if (deps.knobs.batchTeamLookups) {
    const rows = await deps.pool
      .query<{ team_id: string }>('SELECT team_id FROM user_team_memberships WHERE user_id = $1 AND team_id = ANY($2)', [userId, teamIds])
      .catch(pgFail);
    return rows.rows.map((r) => r.team_id);
  }
  const member: string[] = [];
  for (const teamId of teamIds) {
    const rows = await deps.pool
      .query<{ team_id: string }>('SELECT team_id FROM user_team_memberships WHERE user_id = $1 AND team_id = $2', [userId, teamId])
      .catch(pgFail);
    if (rows.rows.length > 0) member.push(teamId);
  }
  return member;
}

/**
 * Memberships for the cache misses of a batch. batchTeamLookups: one query for every
 * (user, team) of the batch; otherwise each request checks its teams one by one.
 */
export async function loadMemberTeamsForBatch(
  deps: DataDeps,
  items: readonly { userId: string; teamIds: readonly string[] }[],
): Promise<string[][]> {
  if (!deps.knobs.batchTeamLookups) {
    const out: string[][] = [];
    for (const item of items) out.push(await loadMemberTeams(deps, item.userId, item.teamIds));
    return out;
  }
  const users = [...new Set(items.map((i) => i.userId))];
  const teams = [...new Set(items.flatMap((i) => i.teamIds))];
  if (users.length === 0 || teams.length === 0) return items.map(() => []);
  const rows = await deps.pool
    .query<{ user_id: string; team_id: string }>(
      'SELECT user_id, team_id FROM user_team_memberships WHERE user_id = ANY($1) AND team_id = ANY($2)',
      [users, teams],
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
