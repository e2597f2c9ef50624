import { UsageError } from '../common/errors.js';
import { redactUrl } from '../common/redact.js';
import { parseLoadConfig, replaySource, type EvaluationPair, type LoadConfig, type LoadConfigInput, type ReplaySource } from '../load/index.js';
import { parseKnobAssignments, type DatasetDescription, type DatasetPair } from '../sark/index.js';
import type { JsonObject, Store } from '../store/index.js';
import { startEmbeddedTarget, type EmbeddedTarget } from './embedded-target.js';
import { checkTargetUrl, parseTargetUrl } from './external-target.js';
import { ProbeSet } from './probes-runner.js';
import type { RecordLoad, RecordOptions } from './types.js';

/**
 * Everything a recording needs before its session is created: validated options, a running or
 * reachable target, connected probes. A bad option, an unreachable host or a refused password
 * fails here, in seconds, and leaves no session behind.
 */

export interface PreparedRecording {
  name: string | undefined;
  targetKind: 'embedded' | 'external' | 'observe';
  targetDescription: JsonObject;
  profile: string | null;
  knobs: JsonObject;
  loadDescription: JsonObject | null;
  seed: number | null;
  parentId: string | null;
  warnings: string[];
  /** null in observe-only mode. */
  load: LoadConfig | null;
  replaySource?: ReplaySource;
  plannedS: number | null;
  observeS?: number;
  embedded: EmbeddedTarget | null;
  probes: ProbeSet | null;
  /** Where EXPLAIN may run read-only at the end (the embedded server's database). */
  planDbUrl: { url: string; searchPath?: string } | null;
  release(): Promise<void>;
}

/** A placeholder target used to validate a load config before the real target is known. */
const PLACEHOLDER_TARGET = 'http://127.0.0.1:9';

function loadInput(target: string, l: RecordLoad | undefined): LoadConfigInput {
  const input: LoadConfigInput = { target, trace: true };
  if (l?.users !== undefined) input.users = l.users;
  if (l?.rampUpS !== undefined) input.rampUpS = l.rampUpS;
  if (l?.durationS !== undefined) input.durationS = l.durationS;
  if (l?.coolDownS !== undefined) input.coolDownS = l.coolDownS;
  if (l?.rate !== undefined) input.rate = l.rate;
  if (l?.mix !== undefined) input.mix = l.mix;
  if (l?.thinkTimeMs !== undefined) input.thinkTimeMs = l.thinkTimeMs;
  if (l?.seed !== undefined) input.seed = l.seed;
  if (l?.connections !== undefined) input.connections = l.connections;
  return input;
}

function toPair(p: DatasetPair): EvaluationPair {
  const context = p.context === undefined ? undefined : (Object.fromEntries(Object.entries(p.context).filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v))) as EvaluationPair['context']);
  return { user: p.user_id, tool: p.tool_id, action: p.action, ...(context ? { context } : {}) };
}

/**
 * The embedded server's data set, as the load generator's request source: `cached` requests
 * reuse the server's hot pairs (what `prewarm` warms), `critical` ones its admin x critical-tool
 * pairs with MFA (so they are allowed and cacheable, as the seed's critical traffic was).
 */
export function sarkRequests(d: DatasetDescription): NonNullable<LoadConfigInput['requests']> {
  return {
    hotPairs: d.hotPairs.length > 0 ? d.hotPairs.map(toPair) : undefined,
    criticalPairs: d.criticalPairs.length > 0 ? d.criticalPairs.map(toPair) : undefined,
    source: 'sark',
    userIds: { prefix: 'user-', first: 1, last: d.counts.users },
    toolIds: { prefix: 'tool-', first: 1, last: d.counts.tools },
    serverIds: { prefix: 'server-', first: 1, last: d.counts.servers },
    actions: [...d.actions.tool],
    serverActions: [...d.actions.server],
    criticalTools: d.criticalTools.length > 0 ? d.criticalTools : undefined,
    analyticsEndMs: Date.parse(d.analyticsWindow.to),
    analyticsWindowS: Math.max(1, (Date.parse(d.analyticsWindow.to) - Date.parse(d.analyticsWindow.from)) / 1000),
  };
}

function describeLoad(c: LoadConfig): JsonObject {
  return {
    users: c.users,
    ramp_up_s: c.rampUpS,
    duration_s: c.durationS,
    cool_down_s: c.coolDownS,
    think_time_ms: c.thinkTimeMs,
    rate: c.rate,
    mix: { ...c.mix },
    seed: c.seed,
    connections: c.connections,
    timeout_ms: c.timeoutMs,
  };
}

function knobsFrom(record: Record<string, string | number | boolean> | undefined): Record<string, unknown> {
  if (!record) return {};
  return parseKnobAssignments(Object.entries(record).map(([k, v]) => `${k}=${String(v)}`)) as Record<string, unknown>;
}

export async function prepareRecording(store: Store, opts: RecordOptions, log: (level: 'info' | 'warn' | 'error', m: string) => void): Promise<PreparedRecording> {
  const t = opts.target;
  let parentId: string | null = null;
  let replay: ReplaySource | undefined;
  let loadOpts = opts.load;
  if (opts.replay) {
    const parent = store.sessions.get(opts.replay.sessionId);
    if (!parent) throw new UsageError(`no session "${opts.replay.sessionId}" to replay`);
    const n = store.reader.countRequestTrace(parent.id);
    if (n === 0) throw new UsageError(`session ${parent.id} has no recorded request trace to replay (imported and observe-only sessions have none)`);
    parentId = parent.id;
    const lc = (parent.load_config ?? {}) as Record<string, unknown>;
    loadOpts = { users: typeof lc.users === 'number' ? lc.users : undefined, seed: typeof lc.seed === 'number' ? lc.seed : undefined, ...opts.load };
    const rows = store.reader.iterateRequestTrace(parent.id);
    replay = replaySource(
      (function* () {
        for (const r of rows) yield { seq: r.seq, t_offset_ms: r.t_offset_ms, kind: r.kind as 'cached', method: r.method, path: r.path, body: r.body };
      })(),
      { asFastAsPossible: opts.replay.asFastAsPossible },
    );
  }

  // 1. Validate options (no I/O yet).
  if (t.kind !== 'observe') parseLoadConfig(loadInput(PLACEHOLDER_TARGET, loadOpts));
  let knobs: Record<string, unknown> = {};
  if (t.kind === 'embedded') knobs = knobsFrom(t.knobs);
  if (t.kind === 'external') parseTargetUrl(t.targetUrl);
  if (t.kind === 'observe' && !t.pg && !t.redis) throw new UsageError('observe-only mode needs --pg and/or --redis to watch');
  if (t.kind === 'observe' && (loadOpts?.durationS ?? 0) <= 0) throw new UsageError('observe-only mode needs --duration S');

  // 2. Probes (external and observe targets) connect and the target is checked before anything
  // else runs, side by side: a host that never answers then costs one timeout, not two, and the
  // error still comes within the contract's 5 s.
  const [probesResult, targetResult] = await Promise.allSettled([
    t.kind !== 'embedded' && (t.pg || t.redis) ? ProbeSet.connect({ pg: t.pg, redis: t.redis, redisMonitorS: t.redisMonitorS }) : Promise.resolve(null),
    t.kind === 'external' ? checkTargetUrl(t.targetUrl) : Promise.resolve(null),
  ]);
  if (probesResult.status === 'rejected' || targetResult.status === 'rejected') {
    if (probesResult.status === 'fulfilled') await probesResult.value?.close();
    throw probesResult.status === 'rejected' ? probesResult.reason : (targetResult as PromiseRejectedResult).reason;
  }
  const probes = probesResult.value;
  if (t.kind === 'external' && targetResult.value) log('info', `target ${redactUrl(t.targetUrl)} answers (HTTP ${targetResult.value.status})`);
  let embedded: EmbeddedTarget | null = null;
  const release = async () => {
    embedded?.kill();
    await probes?.close();
  };
  try {
    if (t.kind === 'embedded') {
      log('info', `starting the embedded SARK server (${t.profile ?? 'baseline'}${t.pg ? ', Postgres' : ', embedded Postgres'}${t.redis ? ', Redis' : ', in-process cache'})`);
      embedded = await startEmbeddedTarget(
        {
          profile: t.profile ?? 'baseline',
          knobs: knobs as never,
          pgUrl: t.pg,
          redisUrl: t.redis,
          seed: opts.embedded?.seed,
          sizes: opts.embedded?.sizes,
          profiling: opts.embedded?.profiling,
          timingBudget: opts.embedded?.timingBudget,
          port: opts.embedded?.port,
          embeddedDataDir: opts.embedded?.embeddedDataDir,
        },
        (line) => log('info', line),
      );
      log('info', `embedded server ready at ${embedded.url} in ${(embedded.ready.startupMs / 1000).toFixed(1)} s${embedded.ready.storage.seeded ? ' (seeded a new data set)' : ''}`);
    }
  } catch (err) {
    await release();
    throw err;
  }

  const targetUrl = t.kind === 'embedded' ? (embedded as EmbeddedTarget).url : t.kind === 'external' ? t.targetUrl : null;
  let load: LoadConfig | null = null;
  if (targetUrl) {
    const input = loadInput(targetUrl, loadOpts);
    if (embedded) input.requests = sarkRequests(embedded.ready.dataset);
    load = parseLoadConfig(input);
  }
  const ready = embedded?.ready;
  const targetDescription: JsonObject =
    t.kind === 'embedded'
      ? {
          kind: 'embedded',
          url: embedded?.url ?? null,
          storage: t.pg ? redactUrl(t.pg) : 'embedded Postgres (PGlite)',
          cache: t.redis ? redactUrl(t.redis) : 'in-process TTL cache',
          dataset: ready ? ready.dataset.key : null,
          profiling: ready ? ready.profiling : true,
        }
      : { kind: t.kind, url: t.kind === 'external' ? redactUrl(t.targetUrl) : null, pg: t.pg ? redactUrl(t.pg) : null, redis: t.redis ? redactUrl(t.redis) : null };
  const plannedS = load && !replay ? load.rampUpS + load.durationS + load.coolDownS : t.kind === 'observe' ? (loadOpts?.durationS ?? null) : null;
  return {
    name: opts.name,
    targetKind: t.kind,
    targetDescription,
    profile: t.kind === 'embedded' ? (ready?.profile ?? t.profile ?? 'baseline') : null,
    knobs: (ready?.knobs as unknown as JsonObject | undefined) ?? (knobs as JsonObject),
    loadDescription: load ? describeLoad(load) : { duration_s: loadOpts?.durationS ?? null },
    seed: load?.seed ?? null,
    parentId,
    warnings: probes?.warnings ?? [],
    load,
    replaySource: replay,
    plannedS,
    observeS: t.kind === 'observe' ? loadOpts?.durationS : undefined,
    embedded,
    probes,
    planDbUrl: t.kind === 'embedded' ? (t.pg ? { url: t.pg, searchPath: 'sark_embedded' } : ready?.storage.embeddedUrl ? { url: ready.storage.embeddedUrl } : null) : null,
    release,
  };
}
