import { UsageError } from '../common/errors.js';

/**
 * The embedded server's knobs: one per finding of the seed report. `baseline` reproduces the
 * system before the report's fixes, `optimized` applies every recommendation; `--set name=value`
 * overrides one knob on top of a profile. This table is the one definition: the CLI's help, the
 * parser, validation and the IPC `ready` message all read it.
 */

export interface SarkKnobs {
  poolSize: number;
  maxOverflow: number;
  batchTeamLookups: boolean;
  eagerToolLoading: boolean;
  toolMetadataCacheTtlS: number;
  userRoleInCache: boolean;
  teamMembershipCacheTtlS: number;
  analyticsIndex: boolean;
  auditBatching: boolean;
  auditBatchSize: number;
  auditFlushMs: number;
  separateAuditPool: boolean;
  redisPipelining: boolean;
  staleWhileRevalidate: boolean;
  prewarm: boolean;
  adaptiveTtl: boolean;
  criticalTtlS: number;
  injectLatencyMs: number;
}

export type KnobName = keyof SarkKnobs;
export type SarkProfileName = 'baseline' | 'optimized';
export const SARK_PROFILE_NAMES: readonly SarkProfileName[] = ['baseline', 'optimized'];

interface KnobSpecBase<N extends KnobName> {
  name: N;
  description: string;
  /** The seed report's section or figure this knob reproduces. */
  finding: string;
}
export type KnobSpec =
  | (KnobSpecBase<KnobName> & { type: 'boolean'; defaults: Record<SarkProfileName, boolean> })
  | (KnobSpecBase<KnobName> & {
      type: 'integer';
      defaults: Record<SarkProfileName, number>;
      min: number;
      max: number;
      unit: string;
    });

export const KNOB_SPECS: readonly KnobSpec[] = [
  {
    name: 'poolSize',
    type: 'integer',
    unit: 'connections',
    min: 1,
    max: 500,
    defaults: { baseline: 20, optimized: 30 },
    description: 'Base size of the policy connection pool (pg Pool max = poolSize + maxOverflow).',
    finding: 'Connection pool: exhaustion 2.3% of the time at 20; recommendation 1 raises it to 30.',
  },
  {
    name: 'maxOverflow',
    type: 'integer',
    unit: 'connections',
    min: 0,
    max: 500,
    defaults: { baseline: 10, optimized: 15 },
    description: 'Connections allowed beyond poolSize under load (reported as overflow).',
    finding: 'Connection pool: max_overflow 10 -> 15.',
  },
  {
    name: 'batchTeamLookups',
    type: 'boolean',
    defaults: { baseline: false, optimized: true },
    description: "Check the user's membership in all of a resource's teams with one `= ANY($2)` query instead of one query per team.",
    finding: 'N+1 pattern 3 (team memberships): N queries -> 1 per evaluation.',
  },
  {
    name: 'eagerToolLoading',
    type: 'boolean',
    defaults: { baseline: false, optimized: true },
    description:
      'A tool is loaded with its sensitivity in one query (a join) instead of two, and batch evaluate loads every tool in one `= ANY($1)` query instead of one query per tool.',
    finding: 'N+1 pattern 1 (tool metadata lookups in a loop).',
  },
  {
    name: 'toolMetadataCacheTtlS',
    type: 'integer',
    unit: 's',
    min: 0,
    max: 86_400,
    defaults: { baseline: 0, optimized: 300 },
    description: 'TTL of tool metadata and sensitivity in the cache (`sensitivity:{tool}`); 0 queries the database on every miss.',
    finding: 'Slow query 2 (tool sensitivity detection): 5-minute metadata cache.',
  },
  {
    name: 'userRoleInCache',
    type: 'boolean',
    defaults: { baseline: false, optimized: true },
    description:
      'Keep the user with its roles in the cache (`user:role:{user}`), loaded in one query (users joined with user_roles), instead of querying users and user_roles on every miss.',
    finding: 'N+1 pattern 2 (user role lookups): include the role in the user cache object.',
  },
  {
    name: 'teamMembershipCacheTtlS',
    type: 'integer',
    unit: 's',
    min: 0,
    max: 86_400,
    defaults: { baseline: 0, optimized: 300 },
    description:
      "TTL of a user's team list in the cache (`team:membership:{user}`); 0 checks memberships in the database on every miss (then batchTeamLookups decides how).",
    finding: "The seed's cache table (team:membership:* at 86% hit rate); not one of its numbered recommendations.",
  },
  {
    name: 'analyticsIndex',
    type: 'boolean',
    defaults: { baseline: false, optimized: true },
    description: 'Create (true) or drop (false) idx_policy_logs_analytics on policy_decision_logs (timestamp DESC, action, result) INCLUDE (evaluation_duration_ms) at startup.',
    finding: 'Slowest query 1 (audit analytics): missing composite index, 245 ms -> 38 ms.',
  },
  {
    name: 'auditBatching',
    type: 'boolean',
    defaults: { baseline: false, optimized: true },
    description: 'Buffer audit rows and write them with one multi-row INSERT per batch instead of one INSERT per decision inside the request.',
    finding: 'Recommendation 4 (async audit batching): log_decision 8.3 ms -> ~2 ms.',
  },
  {
    name: 'auditBatchSize',
    type: 'integer',
    unit: 'rows',
    min: 1,
    max: 10_000,
    defaults: { baseline: 100, optimized: 100 },
    description: 'With auditBatching: flush when this many rows are buffered.',
    finding: 'AsyncAuditBatcher batch_size=100.',
  },
  {
    name: 'auditFlushMs',
    type: 'integer',
    unit: 'ms',
    min: 10,
    max: 60_000,
    defaults: { baseline: 1000, optimized: 1000 },
    description: 'With auditBatching: flush at least this often.',
    finding: 'AsyncAuditBatcher flush_interval=1.0 s.',
  },
  {
    name: 'separateAuditPool',
    type: 'boolean',
    defaults: { baseline: false, optimized: true },
    description: 'Write audit rows through their own pool (10 + 5 overflow) so audit writes never hold policy connections.',
    finding: 'Pool recommendation 2 (connection pool per workload).',
  },
  {
    name: 'redisPipelining',
    type: 'boolean',
    defaults: { baseline: false, optimized: true },
    description: 'Batch evaluate reads and writes its cache keys in one round trip instead of one per request.',
    finding: 'Cache recommendation 1: 3.2 ms x N -> ~4 ms per batch.',
  },
  {
    name: 'staleWhileRevalidate',
    type: 'boolean',
    defaults: { baseline: false, optimized: true },
    description: 'Critical-tool decisions stay servable for one extra TTL past freshness and are re-evaluated in the background when they near expiry.',
    finding: 'Cache recommendation 2: critical hit rate 42% -> 78%.',
  },
  {
    name: 'prewarm',
    type: 'boolean',
    defaults: { baseline: false, optimized: true },
    description: 'Evaluate the hot user/tool pairs and critical pairs at startup so the cache starts warm.',
    finding: 'Cache recommendation 3: cold-start hit rate 0% -> 45%.',
  },
  {
    name: 'adaptiveTtl',
    type: 'boolean',
    defaults: { baseline: false, optimized: true },
    description: 'Scale decision TTLs by access frequency (x0.75 .. x2), capped per sensitivity.',
    finding: 'Cache recommendation 4: hit rate 68% -> 74%.',
  },
  {
    name: 'criticalTtlS',
    type: 'integer',
    unit: 's',
    min: 1,
    max: 3600,
    defaults: { baseline: 30, optimized: 60 },
    description: 'Decision TTL for critical tools and servers.',
    finding: 'Recommendation 10: critical TTL 30 s -> 60 s (42% -> 58% hit rate).',
  },
  {
    name: 'injectLatencyMs',
    type: 'integer',
    unit: 'ms',
    min: 0,
    max: 10_000,
    defaults: { baseline: 0, optimized: 0 },
    description: 'Adds this much latency to every evaluate call (a deliberate regression, to test detection).',
    finding: 'Not in the seed: lets a comparison prove it catches a regression.',
  },
];

const SPEC_BY_NAME = new Map<string, KnobSpec>(KNOB_SPECS.map((s) => [s.name, s]));

function profileKnobs(profile: SarkProfileName): SarkKnobs {
  const out: Record<string, number | boolean> = {};
  for (const spec of KNOB_SPECS) out[spec.name] = spec.defaults[profile];
  return Object.freeze(out) as unknown as SarkKnobs;
}

export const SARK_PROFILES: Readonly<Record<SarkProfileName, Readonly<SarkKnobs>>> = Object.freeze({
  baseline: profileKnobs('baseline'),
  optimized: profileKnobs('optimized'),
});

/** The profile used when none is named: the system before the seed's fixes, the one worth profiling first. */
export const DEFAULT_SARK_PROFILE: SarkProfileName = 'baseline';

export function isSarkProfileName(value: string): value is SarkProfileName {
  return (SARK_PROFILE_NAMES as readonly string[]).includes(value);
}

export function knobSpec(name: string): KnobSpec | undefined {
  return SPEC_BY_NAME.get(name);
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

function unknownKnob(name: string): UsageError {
  return new UsageError(`unknown knob '${name}' (known: ${KNOB_SPECS.map((s) => s.name).join(', ')})`);
}

/** Checks one knob value (from --set text or from JSON) and returns it typed. */
export function validateKnobValue(name: string, value: unknown): number | boolean {
  const spec = SPEC_BY_NAME.get(name);
  if (spec === undefined) throw unknownKnob(name);
  if (spec.type === 'boolean') {
    if (typeof value === 'boolean') return value;
    const word = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
    if (word !== undefined && TRUE_WORDS.has(word)) return true;
    if (word !== undefined && FALSE_WORDS.has(word)) return false;
    throw new UsageError(`knob ${name} expects true or false, got '${String(value)}'`);
  }
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < spec.min || n > spec.max) {
    throw new UsageError(`knob ${name} expects an integer from ${spec.min} to ${spec.max} (${spec.unit}), got '${String(value)}'`);
  }
  return n;
}

/** Parses `--set` assignments (`poolSize=30`, `auditBatching=true`); a bad name or value throws a UsageError naming it. */
export function parseKnobAssignments(assignments: readonly string[]): Partial<SarkKnobs> {
  const out: Record<string, number | boolean> = {};
  for (const raw of assignments) {
    const eq = raw.indexOf('=');
    if (eq <= 0) throw new UsageError(`expected knob=value, got '${raw}'`);
    const name = raw.slice(0, eq).trim();
    out[name] = validateKnobValue(name, raw.slice(eq + 1));
  }
  return out as Partial<SarkKnobs>;
}

/** Validates a knob object that arrived as JSON (IPC, API): every key known, every value in range. */
export function validateKnobOverrides(value: unknown): Partial<SarkKnobs> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new UsageError('knobs must be an object of name: value');
  const out: Record<string, number | boolean> = {};
  for (const [name, v] of Object.entries(value)) out[name] = validateKnobValue(name, v);
  return out as Partial<SarkKnobs>;
}

/** The effective knobs: a profile's defaults with overrides applied. */
export function resolveKnobs(profile: SarkProfileName = DEFAULT_SARK_PROFILE, overrides: Partial<SarkKnobs> = {}): SarkKnobs {
  const base = SARK_PROFILES[profile];
  if (base === undefined) throw new UsageError(`unknown profile '${String(profile)}' (known: ${SARK_PROFILE_NAMES.join(', ')})`);
  return { ...base, ...validateKnobOverrides(overrides) };
}

/** Knobs that differ from a profile's defaults (what a session's title should mention). */
export function knobDiff(profile: SarkProfileName, knobs: SarkKnobs): Partial<SarkKnobs> {
  const base = SARK_PROFILES[profile];
  const diff: Record<string, number | boolean> = {};
  for (const spec of KNOB_SPECS) {
    if (knobs[spec.name] !== base[spec.name]) diff[spec.name] = knobs[spec.name];
  }
  return diff as Partial<SarkKnobs>;
}
