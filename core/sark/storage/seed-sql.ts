import { SALT } from '../dataset-hash.js';
import {
  AUDIT_HISTORY_DAYS,
  AUDIT_HISTORY_END,
  INACTIVE_USERS_PCT,
  ROLE_THRESHOLDS_PCT,
  SENSITIVITY_THRESHOLDS_PCT,
  type ResolvedDataset,
} from '../dataset.js';
import { SARK_SCHEMA } from './schema-sql.js';

/**
 * Bulk seeding: every table is filled by one INSERT ... SELECT over generate_series, computed
 * by the server (no row-by-row inserts). Attributes use sark_hash with the same salts and
 * thresholds as dataset.ts, so describeDataset() matches the rows. Numbers are validated
 * integers (resolveDataset), so interpolating them is safe.
 */

const S = SARK_SCHEMA;
/** Distinct audit row templates (a prime, so users, tools and actions do not fall into step). */
const AUDIT_TEMPLATES = 4999;

function h(salt: number, i: string, seed: number): string {
  return `${S}.sark_hash(${salt}, ${i}, ${seed})`;
}

function sensitivityCase(expr: string): string {
  const [a, b, c] = SENSITIVITY_THRESHOLDS_PCT;
  return `CASE WHEN ${expr} % 100 < ${a} THEN 'public' WHEN ${expr} % 100 < ${b} THEN 'internal' WHEN ${expr} % 100 < ${c} THEN 'confidential' ELSE 'critical' END`;
}

export function seedStatements(ds: ResolvedDataset): { label: string; sql: string }[] {
  const { seed, sizes } = ds;
  const [admin, developer] = ROLE_THRESHOLDS_PCT;
  const end = `timestamptz '${AUDIT_HISTORY_END}'`;
  const historyS = AUDIT_HISTORY_DAYS * 86_400;
  const stepS = sizes.auditRows > 0 ? historyS / sizes.auditRows : 0;
  const T = AUDIT_TEMPLATES;
  return [
    {
      label: 'users',
      sql: `INSERT INTO ${S}.users (id, name, email, active, created_at)
        SELECT 'user-' || i, 'User ' || i, 'user' || i || '@example.test',
               ${h(SALT.userActive, 'i', seed)} % 100 >= ${INACTIVE_USERS_PCT},
               timestamptz '2024-01-01T00:00:00Z' + i * interval '1 minute'
        FROM generate_series(1, ${sizes.users}) AS i`,
    },
    {
      label: 'user_roles',
      sql: `INSERT INTO ${S}.user_roles (user_id, role)
        SELECT 'user-' || i, CASE WHEN r < ${admin} THEN 'admin' WHEN r < ${developer} THEN 'developer' ELSE 'viewer' END
        FROM generate_series(1, ${sizes.users}) AS i, LATERAL (SELECT ${h(SALT.userRole, 'i', seed)} % 100 AS r) AS x`,
    },
    {
      label: 'teams',
      sql: `INSERT INTO ${S}.teams (id, name) SELECT 'team-' || i, 'Team ' || i FROM generate_series(1, ${sizes.teams}) AS i`,
    },
    {
      label: 'user_team_memberships',
      sql: `INSERT INTO ${S}.user_team_memberships (user_id, team_id)
        SELECT DISTINCT 'user-' || i, 'team-' || (1 + (${h(SALT.userTeam, 'i', seed)} + j) % ${sizes.teams})
        FROM generate_series(1, ${sizes.users}) AS i, generate_series(0, 2) AS j
        WHERE j < 1 + ${h(SALT.userTeamCount, 'i', seed)} % 3`,
    },
    {
      label: 'mcp_servers',
      sql: `INSERT INTO ${S}.mcp_servers (id, name, owner_team_id, sensitivity_level)
        SELECT 'server-' || i, 'MCP server ' || i, 'team-' || (1 + ${h(SALT.serverOwner, 'i', seed)} % ${sizes.teams}),
               ${sensitivityCase(h(SALT.serverSensitivity, 'i', seed))}
        FROM generate_series(1, ${sizes.servers}) AS i`,
    },
    {
      label: 'tools',
      sql: `INSERT INTO ${S}.tools (id, server_id, name, description, team_ids)
        SELECT 'tool-' || i, 'server-' || (1 + ${h(SALT.toolServer, 'i', seed)} % ${sizes.servers}), 'Tool ' || i,
               'Seeded tool ' || i,
               ARRAY(SELECT 'team-' || t FROM (
                 SELECT DISTINCT 1 + (${h(SALT.toolTeam, 'i', seed)} + j) % ${sizes.teams} AS t
                 FROM generate_series(0, 7) AS j WHERE j < 3 + ${h(SALT.toolTeamCount, 'i', seed)} % 6) AS d ORDER BY t)
        FROM generate_series(1, ${sizes.tools}) AS i`,
    },
    {
      // Two classifications per tool: the current one, and an older one with another level
      // (the query must ORDER BY updated_at DESC LIMIT 1, as in the seed).
      label: 'tool_sensitivity_classifications',
      sql: `INSERT INTO ${S}.tool_sensitivity_classifications (tool_id, sensitivity_level, detection_confidence, reasoning, updated_at)
        SELECT 'tool-' || i, lvl, 0.80 + (c % 20) / 100.0, 'classifier: ' || lvl || ' signals in name and schema',
               ${end} - (c % 1440) * interval '1 minute'
        FROM generate_series(1, ${sizes.tools}) AS i,
             LATERAL (SELECT ${sensitivityCase(h(SALT.toolSensitivity, 'i', seed))} AS lvl, ${h(SALT.toolClassification, 'i', seed)} AS c) AS x
        UNION ALL
        SELECT 'tool-' || i, CASE lvl WHEN 'public' THEN 'internal' WHEN 'internal' THEN 'confidential' WHEN 'confidential' THEN 'critical' ELSE 'public' END,
               0.5, 'initial classification', ${end} - interval '60 days'
        FROM generate_series(1, ${sizes.tools}) AS i,
             LATERAL (SELECT ${sensitivityCase(h(SALT.toolSensitivity, 'i', seed))} AS lvl) AS x`,
    },
    {
      // The big table. Rows are built from AUDIT_TEMPLATES distinct row templates (the string
      // building happens once per template) crossed with generate_series: half the seeding time
      // of building every row's strings (5.8 s vs 12 s for 1M rows in PGlite, measured), and
      // nobody needs to predict these rows. Timestamps are spread evenly over the history.
      label: 'policy_decision_logs',
      sql: `INSERT INTO ${S}.policy_decision_logs (id, user_id, tool_id, server_id, action, result, reason, cached, "timestamp", evaluation_duration_ms)
        SELECT k * ${T} + n, u, tl, sv, act, res, rsn, cch, ${end} - ((k * ${T} + n) * interval '${stepS} seconds'), dur
        FROM (
          SELECT n, 'user-' || (1 + (n * 7919) % ${sizes.users}) AS u,
                 CASE WHEN n % 20 = 0 THEN NULL ELSE 'tool-' || (1 + (n * 104729) % ${sizes.tools}) END AS tl,
                 CASE WHEN n % 20 = 0 THEN 'server-' || (1 + (n * 31) % ${sizes.servers}) ELSE NULL END AS sv,
                 CASE WHEN n % 20 = 0 THEN 'connect' ELSE (ARRAY['invoke', 'read', 'list'])[1 + n % 3] END AS act,
                 CASE WHEN (n * 31) % 10 < 7 THEN 'allow' ELSE 'deny' END AS res,
                 CASE WHEN (n * 31) % 10 < 7 THEN 'allowed by internal-team-member' ELSE 'denied: no policy permits this request' END AS rsn,
                 (n * 13) % 10 < 6 AS cch,
                 ((n * 37) % 500) / 10.0 AS dur
          FROM generate_series(0, ${T - 1}) AS n
        ) AS tpl
        CROSS JOIN generate_series(0, ${Math.ceil(sizes.auditRows / T)}) AS k
        WHERE k * ${T} + n BETWEEN 1 AND ${sizes.auditRows}`,
    },
    {
      label: 'audit id sequence',
      sql: `ALTER TABLE ${S}.policy_decision_logs ALTER COLUMN id RESTART WITH ${sizes.auditRows + 1}`,
    },
  ];
}
