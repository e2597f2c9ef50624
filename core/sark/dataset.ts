import { UsageError } from '../common/errors.js';
import { MAX_SEED, SALT, datasetHash } from './dataset-hash.js';

/**
 * The seeded data set, as a deterministic function of (seed, sizes). The seeding SQL
 * (storage/seed-sql.ts) computes the same attributes with the same hash, so this module can
 * describe the data without a database: the load generator learns which ids exist, which tools
 * are critical, which pairs are hot; tests use it as an oracle.
 */

export type Sensitivity = 'public' | 'internal' | 'confidential' | 'critical';
export const SENSITIVITIES: readonly Sensitivity[] = ['public', 'internal', 'confidential', 'critical'];
export type Role = 'admin' | 'developer' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'developer', 'viewer'];

export const TOOL_ACTIONS = ['invoke', 'read', 'list'] as const;
export const SERVER_ACTIONS = ['connect', 'manage'] as const;

export interface DatasetSizes {
  users: number;
  teams: number;
  tools: number;
  servers: number;
  /** Seeded rows of policy_decision_logs (the audit history the analytics query scans). */
  auditRows: number;
}

export type StorageKind = 'embedded' | 'postgres';

/**
 * Audit history by storage. Measured on this 2-core machine (the seed's analytics query over a
 * one-hour window, no index): PGlite (wasm, no parallel workers) needs ~1M rows for 125-165 ms;
 * Postgres 15 with two parallel workers scans 1M rows in 80-95 ms, so it gets 2M (~160 ms). With
 * idx_policy_logs_analytics both answer in a few ms. Seeding costs ~6 s (PGlite) / ~4.5 s (Postgres).
 */
export const DEFAULT_AUDIT_ROWS: Record<StorageKind, number> = { embedded: 1_000_000, postgres: 2_000_000 };

/** The defaults: about 5,000 users, 200 teams, 2,000 tools. */
export const DEFAULT_SIZES: Omit<DatasetSizes, 'auditRows'> = { users: 5000, teams: 200, tools: 2000, servers: 100 };
export const DEFAULT_SEED = 1;

const SIZE_LIMITS: Record<keyof DatasetSizes, [number, number]> = {
  users: [1, 1_000_000],
  teams: [1, 100_000],
  tools: [1, 1_000_000],
  servers: [1, 100_000],
  auditRows: [0, 50_000_000],
};

/** Bump when the schema or the seeding formulas change: old data sets are then re-seeded. */
export const DATASET_SCHEMA_VERSION = 2;

/** Seeded audit history ends here (a fixed instant, so the data set does not depend on the day it was seeded). */
export const AUDIT_HISTORY_END = '2025-11-01T00:00:00.000Z';
export const AUDIT_HISTORY_DAYS = 30;

/** Hot pairs: the seed's pre-warming shape, top 50 users x top 20 tools. */
export const HOT_USERS = 50;
export const HOT_TOOLS = 20;
/** Critical pairs: admins x critical tools, requested with MFA in the context. */
export const CRITICAL_PAIR_USERS = 20;
export const CRITICAL_PAIR_TOOLS = 10;

export interface DatasetOptions {
  seed?: number;
  sizes?: Partial<DatasetSizes>;
  /** Decides the default audit history size; 'embedded' unless a Postgres URL is used. */
  storage?: StorageKind;
}

export interface ResolvedDataset {
  seed: number;
  sizes: DatasetSizes;
  /** Identifies the data: names the embedded data dir, and is stored in sark_meta to decide reuse. */
  key: string;
}

export function resolveDataset(options: DatasetOptions = {}): ResolvedDataset {
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) throw new UsageError(`seed must be an integer from 0 to ${MAX_SEED}, got ${String(seed)}`);
  const storage = options.storage ?? 'embedded';
  const sizes: DatasetSizes = { ...DEFAULT_SIZES, auditRows: DEFAULT_AUDIT_ROWS[storage] };
  for (const [name, value] of Object.entries(options.sizes ?? {})) {
    const limits = SIZE_LIMITS[name as keyof DatasetSizes];
    if (limits === undefined) throw new UsageError(`unknown dataset size '${name}' (known: ${Object.keys(SIZE_LIMITS).join(', ')})`);
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < limits[0] || value > limits[1]) {
      throw new UsageError(`dataset size ${name} must be an integer from ${limits[0]} to ${limits[1]}, got ${String(value)}`);
    }
    sizes[name as keyof DatasetSizes] = value;
  }
  const key = `v${DATASET_SCHEMA_VERSION}-seed${seed}-u${sizes.users}-t${sizes.teams}-k${sizes.tools}-s${sizes.servers}-a${sizes.auditRows}`;
  return { seed, sizes, key };
}

export interface UserRecord {
  id: string;
  active: boolean;
  role: Role;
  /** Team ids, ascending by number. */
  teams: string[];
}

export interface ToolRecord {
  id: string;
  serverId: string;
  sensitivity: Sensitivity;
  /** Teams the tool is shared with (3-8), ascending by number. */
  teams: string[];
}

export interface ServerRecord {
  id: string;
  sensitivity: Sensitivity;
  ownerTeam: string;
}

/** Sensitivity mix: 40% public, 30% internal, 20% confidential, 10% critical (percent thresholds). */
export const SENSITIVITY_THRESHOLDS_PCT: readonly [number, number, number] = [40, 70, 90];
/** Role mix: 8% admin, 37% developer, 55% viewer. */
export const ROLE_THRESHOLDS_PCT: readonly [number, number] = [8, 45];
/** 3% of users are inactive (denied everything). */
export const INACTIVE_USERS_PCT = 3;

function sensitivityOf(v: number): Sensitivity {
  const p = v % 100;
  const [a, b, c] = SENSITIVITY_THRESHOLDS_PCT;
  return p < a ? 'public' : p < b ? 'internal' : p < c ? 'confidential' : 'critical';
}

/**
 * `count` consecutive teams (wrapping) from a hashed start: distinct whenever count <= teams,
 * so a tool really is shared with 3-8 teams.
 */
function teamBlock(start: number, count: number, teams: number): string[] {
  const set = new Set<number>();
  for (let j = 0; j < count; j++) set.add(1 + ((start + j) % teams));
  return [...set].sort((x, y) => x - y).map((t) => `team-${t}`);
}

/** Parses `prefix-N` into N when 1 <= N <= count; otherwise undefined. */
export function entityIndex(id: string, prefix: 'user' | 'team' | 'tool' | 'server', count: number): number | undefined {
  if (!id.startsWith(`${prefix}-`)) return undefined;
  const digits = id.slice(prefix.length + 1);
  if (!/^[1-9]\d*$/.test(digits)) return undefined;
  const n = Number(digits);
  return n <= count ? n : undefined;
}

export function datasetUser(ds: ResolvedDataset, i: number): UserRecord {
  const { seed, sizes } = ds;
  const r = datasetHash(SALT.userRole, i, seed) % 100;
  const [admin, developer] = ROLE_THRESHOLDS_PCT;
  const teamCount = 1 + (datasetHash(SALT.userTeamCount, i, seed) % 3);
  return {
    id: `user-${i}`,
    active: datasetHash(SALT.userActive, i, seed) % 100 >= INACTIVE_USERS_PCT,
    role: r < admin ? 'admin' : r < developer ? 'developer' : 'viewer',
    teams: teamBlock(datasetHash(SALT.userTeam, i, seed), teamCount, sizes.teams),
  };
}

export function datasetTool(ds: ResolvedDataset, i: number): ToolRecord {
  const { seed, sizes } = ds;
  const teamCount = 3 + (datasetHash(SALT.toolTeamCount, i, seed) % 6);
  return {
    id: `tool-${i}`,
    serverId: `server-${1 + (datasetHash(SALT.toolServer, i, seed) % sizes.servers)}`,
    sensitivity: sensitivityOf(datasetHash(SALT.toolSensitivity, i, seed)),
    teams: teamBlock(datasetHash(SALT.toolTeam, i, seed), teamCount, sizes.teams),
  };
}

export function datasetServer(ds: ResolvedDataset, i: number): ServerRecord {
  const { seed, sizes } = ds;
  return {
    id: `server-${i}`,
    sensitivity: sensitivityOf(datasetHash(SALT.serverSensitivity, i, seed)),
    ownerTeam: `team-${1 + (datasetHash(SALT.serverOwner, i, seed) % sizes.teams)}`,
  };
}

export interface DatasetPair {
  user_id: string;
  tool_id: string;
  action: string;
  context?: Record<string, unknown>;
}

/** What the load generator needs to know about the data set (JSON; sent in the IPC `ready` message). */
export interface DatasetDescription {
  key: string;
  seed: number;
  sizes: DatasetSizes;
  storage: StorageKind;
  /** Ids are `user-1..user-N` etc.; these are the N. */
  counts: { users: number; teams: number; tools: number; servers: number };
  actions: { tool: readonly string[]; server: readonly string[] };
  toolsBySensitivity: Record<Sensitivity, string[]>;
  serversBySensitivity: Record<Sensitivity, string[]>;
  criticalTools: string[];
  usersByRole: Record<Role, string[]>;
  inactiveUsers: string[];
  /** Pairs the "cached" traffic should reuse (and `prewarm` evaluates): 50 users x 20 non-critical tools, action invoke. */
  hotPairs: DatasetPair[];
  /** Admins x critical tools with `{mfa: true}`: allowed, and what `prewarm` warms for critical tools. */
  criticalPairs: DatasetPair[];
  /** A one-hour window inside the seeded audit history, for GET /api/v1/audit/analytics. */
  analyticsWindow: { from: string; to: string };
  auditHistory: { from: string; to: string };
}

export function describeDataset(options: DatasetOptions = {}): DatasetDescription {
  const ds = resolveDataset(options);
  const { sizes } = ds;
  const toolsBySensitivity: Record<Sensitivity, string[]> = { public: [], internal: [], confidential: [], critical: [] };
  const serversBySensitivity: Record<Sensitivity, string[]> = { public: [], internal: [], confidential: [], critical: [] };
  const usersByRole: Record<Role, string[]> = { admin: [], developer: [], viewer: [] };
  const inactiveUsers: string[] = [];
  const activeUsers: string[] = [];
  const activeAdmins: string[] = [];
  const nonCriticalTools: string[] = [];
  for (let i = 1; i <= sizes.tools; i++) {
    const t = datasetTool(ds, i);
    toolsBySensitivity[t.sensitivity].push(t.id);
    if (t.sensitivity !== 'critical') nonCriticalTools.push(t.id);
  }
  for (let i = 1; i <= sizes.servers; i++) {
    const s = datasetServer(ds, i);
    serversBySensitivity[s.sensitivity].push(s.id);
  }
  for (let i = 1; i <= sizes.users; i++) {
    const u = datasetUser(ds, i);
    usersByRole[u.role].push(u.id);
    if (!u.active) inactiveUsers.push(u.id);
    else {
      activeUsers.push(u.id);
      if (u.role === 'admin') activeAdmins.push(u.id);
    }
  }
  const hotPairs: DatasetPair[] = [];
  for (const user of activeUsers.slice(0, HOT_USERS)) {
    for (const tool of nonCriticalTools.slice(0, HOT_TOOLS)) hotPairs.push({ user_id: user, tool_id: tool, action: 'invoke' });
  }
  const criticalPairs: DatasetPair[] = [];
  for (const user of activeAdmins.slice(0, CRITICAL_PAIR_USERS)) {
    for (const tool of toolsBySensitivity.critical.slice(0, CRITICAL_PAIR_TOOLS)) {
      criticalPairs.push({ user_id: user, tool_id: tool, action: 'invoke', context: { mfa: true } });
    }
  }
  const endMs = Date.parse(AUDIT_HISTORY_END);
  const windowStartMs = endMs - 10 * 86_400_000;
  return {
    key: ds.key,
    seed: ds.seed,
    sizes,
    storage: options.storage ?? 'embedded',
    counts: { users: sizes.users, teams: sizes.teams, tools: sizes.tools, servers: sizes.servers },
    actions: { tool: TOOL_ACTIONS, server: SERVER_ACTIONS },
    toolsBySensitivity,
    serversBySensitivity,
    criticalTools: toolsBySensitivity.critical,
    usersByRole,
    inactiveUsers,
    hotPairs,
    criticalPairs,
    analyticsWindow: { from: new Date(windowStartMs).toISOString(), to: new Date(windowStartMs + 3_600_000).toISOString() },
    auditHistory: { from: new Date(endMs - AUDIT_HISTORY_DAYS * 86_400_000).toISOString(), to: AUDIT_HISTORY_END },
  };
}
