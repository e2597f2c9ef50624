import { SENSITIVITIES, type Sensitivity } from '../dataset.js';
import { toolMetadataKey } from '../cache/keys.js';
import { pgFail, type DataDeps } from './deps.js';

/**
 * load_tool: a tool, the teams it is shared with, and its current sensitivity classification
 * (the seed's "sensitivity detection" query, its slow query 2). With toolMetadataCacheTtlS > 0
 * the result is cached under `sensitivity:{tool}`. eagerToolLoading loads a tool together with
 * its classification (one query, a lateral join, instead of two), and in batch evaluate all
 * tools in one `= ANY($1)` query instead of a per-tool loop (the seed's N+1 pattern 1).
 */

export interface ToolMetadata {
  id: string;
  serverId: string;
  teams: string[];
  sensitivity: Sensitivity;
}

/** A tool with no classification is treated as critical: the strictest rule applies until someone classifies it. */
const UNCLASSIFIED: Sensitivity = 'critical';

const SENSITIVITY_SQL = `SELECT tool_id, sensitivity_level, detection_confidence, reasoning
FROM tool_sensitivity_classifications
WHERE tool_id = $1
ORDER BY updated_at DESC
LIMIT 1`;

function asSensitivity(v: string | null | undefined): Sensitivity {
  return v != null && (SENSITIVITIES as readonly string[]).includes(v) ? (v as Sensitivity) : UNCLASSIFIED;
}

function encode(t: ToolMetadata): string {
  return JSON.stringify({ sv: t.serverId, t: t.teams, s: t.sensitivity });
}

function decode(id: string, value: string): ToolMetadata | null {
  try {
    const v = JSON.parse(value) as { sv?: unknown; t?: unknown; s?: unknown };
    if (typeof v.sv !== 'string' || !Array.isArray(v.t) || typeof v.s !== 'string') return null;
    return { id, serverId: v.sv, teams: v.t.map(String), sensitivity: asSensitivity(v.s) };
  } catch {
    return null;
  }
}

/** A tool with its latest classification; `$1` is an array of ids (or, for one tool, an id). */
function eagerToolSql(where: string): string {
  return `SELECT t.id, t.server_id, t.team_ids, c.sensitivity_level
           FROM tools t
           LEFT JOIN LATERAL (
             SELECT sensitivity_level FROM tool_sensitivity_classifications
             WHERE tool_id = t.id ORDER BY updated_at DESC LIMIT 1
           ) c ON true
           WHERE ${where}`;
}
const EAGER_ONE_SQL = eagerToolSql('t.id = $1');
const EAGER_MANY_SQL = eagerToolSql('t.id = ANY($1)');

interface EagerToolRow {
  id: string;
  server_id: string;
  team_ids: string[];
  sensitivity_level: string | null;
}

function toolFromRow(r: EagerToolRow): ToolMetadata {
  return { id: r.id, serverId: r.server_id, teams: r.team_ids, sensitivity: asSensitivity(r.sensitivity_level) };
}

/** One tool: with eagerToolLoading one query, else two (the row, then its latest classification). */
async function queryTool(deps: DataDeps, toolId: string): Promise<ToolMetadata | null> {
  if (deps.knobs.eagerToolLoading) {
    const rows = await deps.instr.within(deps.ctx, () => deps.pool.query<EagerToolRow>(EAGER_ONE_SQL, [toolId])).catch(pgFail);
    const r = rows.rows[0];
    return r === undefined ? null : toolFromRow(r);
  }
  const tool = await deps.instr
    .within(deps.ctx, () => deps.pool.query<{ id: string; server_id: string; team_ids: string[] }>('SELECT id, server_id, name, team_ids FROM tools WHERE id = $1', [toolId]))
    .catch(pgFail);
  const row = tool.rows[0];
  if (row === undefined) return null;
  const cls = await deps.instr.within(deps.ctx, () => deps.pool.query<{ sensitivity_level: string }>(SENSITIVITY_SQL, [toolId])).catch(pgFail);
  return { id: row.id, serverId: row.server_id, teams: row.team_ids, sensitivity: asSensitivity(cls.rows[0]?.sensitivity_level) };
}

export async function loadTool(deps: DataDeps, toolId: string): Promise<ToolMetadata | null> {
  const ttlS = deps.knobs.toolMetadataCacheTtlS;
  if (ttlS <= 0) return queryTool(deps, toolId);
  const key = toolMetadataKey(toolId);
  const cached = await deps.cache.get(key);
  const hit = cached === null ? null : decode(toolId, cached);
  if (hit !== null) return hit;
  const tool = await queryTool(deps, toolId);
  if (tool !== null) await deps.cache.set({ key, value: encode(tool), ttlS });
  return tool;
}

/** Tools for the requests of a batch (one entry per distinct id; unknown ids map to null). */
export async function loadTools(deps: DataDeps, toolIds: readonly string[]): Promise<Map<string, ToolMetadata | null>> {
  const out = new Map<string, ToolMetadata | null>();
  const ttlS = deps.knobs.toolMetadataCacheTtlS;
  let missing: string[] = deps.knobs.eagerToolLoading ? [...new Set(toolIds)] : [...toolIds];
  if (ttlS > 0) {
    const distinct = [...new Set(toolIds)];
    const cached = await deps.cache.getMany(distinct.map(toolMetadataKey), deps.knobs.redisPipelining);
    const stillMissing = new Set<string>();
    distinct.forEach((id, i) => {
      const v = cached[i];
      const hit = v == null ? null : decode(id, v);
      if (hit !== null) out.set(id, hit);
      else stillMissing.add(id);
    });
    missing = missing.filter((id) => stillMissing.has(id));
  }
  if (missing.length === 0) return out;
  const loaded: ToolMetadata[] = [];
  if (deps.knobs.eagerToolLoading) {
    const rows = await deps.instr.within(deps.ctx, () => deps.pool.query<EagerToolRow>(EAGER_MANY_SQL, [missing])).catch(pgFail);
    for (const r of rows.rows) loaded.push(toolFromRow(r));
    for (const id of missing) out.set(id, null);
  } else {
    // The "before" shape: one lookup per request, as an ORM's lazy loading does in a loop.
    for (const id of missing) {
      out.set(id, null);
      const tool = await queryTool(deps, id);
      if (tool !== null) loaded.push(tool);
    }
  }
  for (const t of loaded) out.set(t.id, t);
  if (ttlS > 0) {
    const distinct = new Map(loaded.map((t) => [t.id, t]));
    await deps.cache.setMany(
      [...distinct.values()].map((t) => ({ key: toolMetadataKey(t.id), value: encode(t), ttlS })),
      deps.knobs.redisPipelining,
    );
  }
  return out;
}
