import { z } from 'zod';
import { UsageError } from '../common/errors.js';
import { redactUrl } from '../common/redact.js';
import { SAFE_ID, checkIdRange, parseIdRange, type IdRange } from './id-range.js';
import { DEFAULT_MIX, parseMix, validateMix, type TrafficMix } from './mix.js';
import { CompiledTemplate, SARK_EVALUATE_TEMPLATE, type RequestTemplate } from './template.js';
import { REQUEST_KINDS } from './types.js';

/**
 * The load configuration: what the CLI, the API and the recorder pass in (`LoadConfigInput`),
 * validated with zod and resolved with defaults into a plain-JSON `LoadConfig` that the
 * recorder stores with the session. A request sequence is a pure function of the resolved
 * config (see sequence.ts).
 */

/** Ten virtual users: enough to exercise a pool and a cache, light enough for a laptop. */
const DEFAULT_USERS = 10;
const DEFAULT_DURATION_S = 10;
/** A request slower than this is a `timeout` (the seed's SLO is p95 < 50 ms; 10 s is clearly broken). */
const DEFAULT_TIMEOUT_MS = 10_000;
/**
 * Open model: connections default to max(users, 64). Arrivals do not wait for responses, so the
 * pool must hold rate x latency requests: 64 covers 5,000 req/s at ~13 ms, the embedded server's
 * target (issue 3). Fewer connections only queue requests, which the latency still shows.
 */
const OPEN_MODEL_MIN_CONNECTIONS = 64;
/** The embedded server's default data set (issue 3): about 5,000 users and 2,000 tools. */
const DEFAULT_USER_IDS: IdRange = { prefix: 'user-', first: 1, last: 5000 };
const DEFAULT_TOOL_IDS: IdRange = { prefix: 'tool-', first: 1, last: 2000 };
const DEFAULT_SERVER_IDS: IdRange = { prefix: 'server-', first: 1, last: 50 };
/** 100 hot (user, tool, action) triples: few enough to stay cached under every TTL of the seed. */
const DEFAULT_HOT_SET_SIZE = 100;
/**
 * Share of `server` requests that are the audit analytics query. In the seed the analytics
 * query ran 2,341 times against ~245,000 logged decisions, i.e. ~19% of the 5% server slice.
 */
const DEFAULT_ANALYTICS_SHARE = 0.2;
/** "A recent window" for the analytics query: the last hour. */
const DEFAULT_ANALYTICS_WINDOW_S = 3600;
/**
 * Without the target's list of critical tools, every 20th tool is taken as critical (5%): a
 * stand-in. The recorder passes the embedded server's real list.
 */
const DEFAULT_CRITICAL_EVERY = 20;

const nonNegative = z.number().finite().min(0);
const safeId = z.string().regex(SAFE_ID, 'may contain only letters, digits and _ . : ~ -').min(1);

const templateSchema = z
  .object({
    method: z.string().min(1),
    path: z.string().min(1),
    body: z.string().nullable().optional(),
    headers: z.record(z.string(), z.string()).optional(),
  })
  .strict();

const pairSchema = z
  .object({
    user: safeId,
    tool: safeId,
    action: safeId,
    context: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  })
  .strict();

/** One (user, tool, action) evaluation the target knows, with its request context (e.g. MFA). */
export interface EvaluationPair {
  user: string;
  tool: string;
  action: string;
  context?: Record<string, string | number | boolean>;
}

const requestsSchema = z
  .object({
    source: z.enum(['sark', 'template']).optional(),
    userIds: z.unknown().optional(),
    toolIds: z.unknown().optional(),
    serverIds: z.unknown().optional(),
    actions: z.array(safeId).min(1).optional(),
    serverActions: z.array(safeId).min(1).optional(),
    hotSetSize: z.number().int().min(1).max(1_000_000).optional(),
    hotPairs: z.array(pairSchema).min(1).max(100_000).nullable().optional(),
    criticalPairs: z.array(pairSchema).min(1).max(100_000).nullable().optional(),
    criticalTools: z.array(safeId).min(1).optional(),
    analyticsShare: z.number().min(0).max(1).optional(),
    analyticsWindowS: z.number().positive().optional(),
    analyticsEndMs: z.number().int().positive().optional(),
    template: templateSchema.optional(),
  })
  .strict();

const inputSchema = z
  .object({
    target: z.string().min(1),
    users: z.number().int().min(1).max(100_000).optional(),
    rampUpS: nonNegative.optional(),
    durationS: z.number().finite().positive().optional(),
    coolDownS: nonNegative.optional(),
    thinkTimeMs: nonNegative.optional(),
    rate: z.number().finite().positive().nullable().optional(),
    mix: z.unknown().optional(),
    seed: z.number().int().min(0).max(0xffffffff).optional(),
    timeoutMs: z.number().int().min(1).optional(),
    connections: z.number().int().min(1).max(10_000).optional(),
    trace: z.boolean().optional(),
    requests: requestsSchema.optional(),
  })
  .strict();

/** An id range as the caller may give it: `{prefix, first, last}`, `'user-1..5000'`, or a count. */
export type IdRangeInput = IdRange | string | number;

/** What callers pass; every field but `target` has a default (see parseLoadConfig). */
export interface LoadConfigInput {
  target: string;
  users?: number;
  rampUpS?: number;
  durationS?: number;
  coolDownS?: number;
  thinkTimeMs?: number;
  rate?: number | null;
  /** `{cached: 50, ...}` or the CLI form `cached=50,unique=30,critical=15,server=5`. */
  mix?: TrafficMix | string;
  seed?: number;
  timeoutMs?: number;
  connections?: number;
  trace?: boolean;
  requests?: {
    source?: 'sark' | 'template';
    userIds?: IdRangeInput;
    toolIds?: IdRangeInput;
    serverIds?: IdRangeInput;
    actions?: string[];
    serverActions?: string[];
    hotSetSize?: number;
    /** The target's own hot pairs (the embedded server's pre-warmed set): `cached` draws from these. */
    hotPairs?: EvaluationPair[] | null;
    /** Pairs `critical` draws from (admins x critical tools, with MFA), instead of random users. */
    criticalPairs?: EvaluationPair[] | null;
    criticalTools?: string[];
    analyticsShare?: number;
    analyticsWindowS?: number;
    analyticsEndMs?: number;
    template?: RequestTemplate;
  };
}

export interface RequestSourceConfig {
  /**
   * `sark`: the embedded server's API (tool evaluate; `server` kind: server evaluate and the
   * audit analytics query). `template`: the one template for every kind; the kinds still decide
   * the ids (hot set, uniform, critical list, server ids with `serverActions`).
   */
  source: 'sark' | 'template';
  userIds: IdRange;
  toolIds: IdRange;
  serverIds: IdRange;
  actions: string[];
  serverActions: string[];
  hotSetSize: number;
  hotPairs: EvaluationPair[] | null;
  criticalPairs: EvaluationPair[] | null;
  criticalTools: string[];
  analyticsShare: number;
  analyticsWindowS: number;
  /** End of the analytics window (epoch ms), fixed when the config is resolved so the sequence is reproducible. */
  analyticsEndMs: number;
  template: RequestTemplate;
}

export interface LoadConfig {
  /** Base URL; a path here prefixes every request path. */
  target: string;
  /** Closed model (and fast replay): virtual users. The open model uses `connections` instead. */
  users: number;
  /** Closed: user i starts at i * rampUpS / users. Open: the rate ramps linearly from 0. */
  rampUpS: number;
  /** The sustained phase. A replay ignores it: it ends when the recorded requests do. */
  durationS: number;
  /** After the load: no new requests, seconds still reported while the target settles. */
  coolDownS: number;
  /** Closed model: pause between a user's response and its next request. */
  thinkTimeMs: number;
  /** Open model arrivals per second; null for the closed model. */
  rate: number | null;
  mix: TrafficMix;
  seed: number;
  timeoutMs: number;
  connections: number;
  /** Emit `trace` batches (every request). */
  trace: boolean;
  requests: RequestSourceConfig;
}

function fail(message: string): never {
  throw new UsageError(`invalid load config: ${message}`);
}

function issueText(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 0 ? issue.path.join('.') : '(config)';
  const msg = issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
  return `${where}: ${msg}`;
}

function resolveRange(value: unknown, fallback: IdRange, label: string): IdRange {
  if (value === undefined) return { ...fallback };
  if (typeof value === 'string') return parseIdRange(value, fallback.prefix, label);
  if (typeof value === 'number') return parseIdRange(String(value), fallback.prefix, label);
  if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, unknown>;
    const range = { prefix: v.prefix ?? fallback.prefix, first: v.first ?? 1, last: v.last };
    if (typeof range.prefix !== 'string' || typeof range.first !== 'number' || typeof range.last !== 'number') {
      fail(`${label}: expected {prefix, first, last}, a range like '${fallback.prefix}1..100' or a count`);
    }
    return checkIdRange(range as IdRange, label);
  }
  return fail(`${label}: expected a range like '${fallback.prefix}1..100' or a count`);
}

function resolveMix(value: unknown): TrafficMix {
  if (value === undefined) return { ...DEFAULT_MIX };
  if (typeof value === 'string') return parseMix(value, 'mix');
  if (typeof value !== 'object' || value === null) fail(`mix: expected 'cached=50,unique=30,...' or an object`);
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) {
    if (!(REQUEST_KINDS as readonly string[]).includes(key)) fail(`mix: unknown kind '${key}' (kinds: ${REQUEST_KINDS.join(', ')})`);
  }
  const mix = { cached: v.cached ?? 0, unique: v.unique ?? 0, critical: v.critical ?? 0, server: v.server ?? 0 };
  for (const [k, w] of Object.entries(mix)) {
    if (typeof w !== 'number') fail(`mix: weight of '${k}' must be a number`);
  }
  validateMix(mix as TrafficMix, 'mix');
  return mix as TrafficMix;
}

function checkTarget(target: string): string {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return fail(`target: '${redactUrl(target)}' is not a URL (expected e.g. http://127.0.0.1:8000)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(`target: protocol must be http or https, got '${url.protocol}'`);
  return target;
}

/**
 * Validates and fills defaults. Throws a UsageError naming the field on bad input, e.g.
 * `invalid load config: users: too small: expected number to be >=1`.
 * `nowMs` fixes the analytics window when `requests.analyticsEndMs` is not given.
 */
export function parseLoadConfig(input: unknown, nowMs: number = Date.now()): LoadConfig {
  try {
    return resolve(input, nowMs);
  } catch (err) {
    if (err instanceof UsageError && !err.message.startsWith('invalid load config')) {
      throw new UsageError(`invalid load config: ${err.message}`);
    }
    throw err;
  }
}

function resolve(input: unknown, nowMs: number): LoadConfig {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) fail(parsed.error.issues.map(issueText).join('; '));
  const c = parsed.data;
  const r = c.requests ?? {};
  const toolIds = resolveRange(r.toolIds, DEFAULT_TOOL_IDS, 'requests.toolIds');
  const template = r.template ?? SARK_EVALUATE_TEMPLATE;
  new CompiledTemplate(template, 'requests.template'); // validates variables, method and path now
  const users = c.users ?? DEFAULT_USERS;
  const rate = c.rate ?? null;
  return {
    target: checkTarget(c.target),
    users,
    rampUpS: c.rampUpS ?? 0,
    durationS: c.durationS ?? DEFAULT_DURATION_S,
    coolDownS: c.coolDownS ?? 0,
    thinkTimeMs: c.thinkTimeMs ?? 0,
    rate,
    mix: resolveMix(c.mix),
    seed: c.seed ?? 1,
    timeoutMs: c.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    connections: c.connections ?? (rate === null ? users : Math.max(users, OPEN_MODEL_MIN_CONNECTIONS)),
    trace: c.trace ?? true,
    requests: {
      source: r.source ?? (r.template ? 'template' : 'sark'),
      userIds: resolveRange(r.userIds, DEFAULT_USER_IDS, 'requests.userIds'),
      toolIds,
      serverIds: resolveRange(r.serverIds, DEFAULT_SERVER_IDS, 'requests.serverIds'),
      actions: r.actions ?? ['tool:invoke'],
      serverActions: r.serverActions ?? ['server:read'],
      hotSetSize: r.hotSetSize ?? DEFAULT_HOT_SET_SIZE,
      hotPairs: r.hotPairs ? r.hotPairs.map((p) => ({ ...p })) : null,
      criticalPairs: r.criticalPairs ? r.criticalPairs.map((p) => ({ ...p })) : null,
      criticalTools: r.criticalTools ?? defaultCriticalTools(toolIds),
      analyticsShare: r.analyticsShare ?? DEFAULT_ANALYTICS_SHARE,
      analyticsWindowS: r.analyticsWindowS ?? DEFAULT_ANALYTICS_WINDOW_S,
      analyticsEndMs: r.analyticsEndMs ?? nowMs,
      template: { ...template },
    },
  };
}

function defaultCriticalTools(tools: IdRange): string[] {
  const out: string[] = [];
  for (let n = tools.first + DEFAULT_CRITICAL_EVERY - 1; n <= tools.last; n += DEFAULT_CRITICAL_EVERY) out.push(tools.prefix + n);
  // A range shorter than 20 still needs one critical tool for the `critical` kind.
  if (out.length === 0) out.push(tools.prefix + tools.last);
  return out;
}
