import { SENSITIVITIES, type Sensitivity } from '../dataset.js';
import { pgFail, type DataDeps } from './deps.js';

/** load_server: an MCP server, its owner team and sensitivity (server operations, `policy:server:*`). */
export interface ServerMetadata {
  id: string;
  ownerTeam: string;
  sensitivity: Sensitivity;
}

export async function loadServer(deps: DataDeps, serverId: string): Promise<ServerMetadata | null> {
  const rows = await deps.instr
    .within(deps.ctx, () =>
      deps.pool.query<{ id: string; owner_team_id: string; sensitivity_level: string }>(
        'SELECT id, owner_team_id, sensitivity_level FROM mcp_servers WHERE id = $1',
        [serverId],
      ),
    )
    .catch(pgFail);
  const r = rows.rows[0];
  if (r === undefined) return null;
  const s = (SENSITIVITIES as readonly string[]).includes(r.sensitivity_level) ? (r.sensitivity_level as Sensitivity) : 'critical';
  return { id: r.id, ownerTeam: r.owner_team_id, sensitivity: s };
}
