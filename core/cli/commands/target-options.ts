import type { Command } from 'commander';
import { UsageError } from '../../common/errors.js';
import { DEFAULT_MIX, formatMix, parseMix } from '../../load/mix.js';
import type { EmbeddedExtras, RecordLoad, RecordTarget } from '../../session/index.js';
import { parseNumberOption } from '../parse-options.js';

/** Target and load options shared by `profile` and `replay` (ARCHITECTURE.md "CLI"). */

const collect = (value: string, previous: string[]) => [...previous, value];

export function addTargetOptions(cmd: Command): Command {
  return cmd
    .option('--embedded', 'profile the embedded SARK server (the default when no --target-url is given)')
    .option('--target-url <url>', "your own service's base URL")
    .option('--pg <url>', 'Postgres URL: the embedded server stores its data there (schema sark_embedded); for your own service, probed read-only')
    .option('--redis <url>', 'Redis URL: the embedded server caches there; for your own service, probed read-only')
    .option('--profile <name>', 'embedded server preset: baseline | optimized', 'baseline')
    .option('--set <knob=value>', 'override one embedded-server knob (repeatable); see `serve --help-knobs`', collect, [] as string[])
    .option('--port <n>', 'port of the embedded server (default: a free one)')
    .option('--no-profiling', 'run the embedded server uninstrumented (to measure the cost of profiling)')
    .option('--timing-budget <n>', 'embedded server: requests a second whose spans are all timed; above it 1 in k is, call counts stay exact ("all": no limit; default 1000)')
    .option('--dataset <sizes>', 'embedded data set sizes, e.g. users=500,tools=200,audit-rows=100000')
    .option('--dataset-seed <n>', 'embedded data set seed')
    .option('--redis-monitor <seconds>', 'sample Redis MONITOR for per-pattern hit rates (costs the server throughput)');
}

export function addLoadOptions(cmd: Command): Command {
  return cmd
    .option('--users <n>', 'virtual users (closed model)')
    .option('--ramp-up <s>', 'seconds to start all users')
    .option('--duration <s>', 'seconds of sustained load')
    .option('--cool-down <s>', 'seconds after the load, still recording')
    .option('--rate <rps>', 'open model: constant arrival rate (latency from each intended start)')
    .option('--mix <mix>', 'traffic mix in percent, e.g. cached=50,unique=30,critical=15,server=5 (kinds left out get 0)')
    .option('--think-time <ms>', 'pause between a user\'s requests')
    .option('--seed <n>', 'request sequence seed (same seed, same requests)')
    .option('--connections <n>', 'HTTP connections (open model)');
}

export interface TargetFlags {
  embedded?: boolean;
  targetUrl?: string;
  pg?: string;
  redis?: string;
  profile: string;
  set: string[];
  port?: string;
  profiling: boolean;
  timingBudget?: string;
  dataset?: string;
  datasetSeed?: string;
  redisMonitor?: string;
}

export interface LoadFlags {
  users?: string;
  rampUp?: string;
  duration?: string;
  coolDown?: string;
  rate?: string;
  mix?: string;
  thinkTime?: string;
  seed?: string;
  connections?: string;
}

const SIZE_NAMES: Record<string, 'users' | 'teams' | 'tools' | 'servers' | 'auditRows'> = {
  users: 'users',
  teams: 'teams',
  tools: 'tools',
  servers: 'servers',
  'audit-rows': 'auditRows',
  auditRows: 'auditRows',
};

function parseSizes(text: string): NonNullable<EmbeddedExtras['sizes']> {
  const out: NonNullable<EmbeddedExtras['sizes']> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [k, v] = part.split('=');
    const name = k ? SIZE_NAMES[k.trim()] : undefined;
    if (!name || v === undefined) throw new UsageError(`--dataset: expected name=count with names ${Object.keys(SIZE_NAMES).filter((n) => n !== 'auditRows').join(', ')}, got "${part}"`);
    out[name] = parseNumberOption(`--dataset ${k}`, v, { integer: true, min: 0 });
  }
  return out;
}

export function targetFrom(f: TargetFlags, allowObserve: boolean): { target: RecordTarget; embedded: EmbeddedExtras } {
  if (f.embedded && f.targetUrl) throw new UsageError('give either --embedded or --target-url, not both');
  const monitor = f.redisMonitor === undefined ? undefined : parseNumberOption('--redis-monitor', f.redisMonitor, { integer: true, min: 1, max: 3600 });
  const embedded: EmbeddedExtras = {
    profiling: f.profiling,
    timingBudget: f.timingBudget === undefined ? undefined : f.timingBudget === 'all' ? null : parseNumberOption('--timing-budget', f.timingBudget, { min: 1 }),
    port: f.port === undefined ? undefined : parseNumberOption('--port', f.port, { integer: true, min: 0, max: 65535 }),
    sizes: f.dataset ? parseSizes(f.dataset) : undefined,
    seed: f.datasetSeed === undefined ? undefined : parseNumberOption('--dataset-seed', f.datasetSeed, { integer: true, min: 0 }),
  };
  if (f.targetUrl) return { target: { kind: 'external', targetUrl: f.targetUrl, pg: f.pg, redis: f.redis, redisMonitorS: monitor }, embedded };
  if (!f.embedded && allowObserve && (f.pg || f.redis)) return { target: { kind: 'observe', pg: f.pg, redis: f.redis, redisMonitorS: monitor }, embedded };
  if (f.profile !== 'baseline' && f.profile !== 'optimized') throw new UsageError(`--profile must be baseline or optimized, got "${f.profile}"`);
  const knobs: Record<string, string> = {};
  for (const a of f.set) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set expects knob=value, got "${a}"`);
    knobs[a.slice(0, eq).trim()] = a.slice(eq + 1).trim();
  }
  return { target: { kind: 'embedded', profile: f.profile, knobs, pg: f.pg, redis: f.redis }, embedded };
}

/**
 * On the command line the mix is documented in percent (the seed's 50/30/15/5), so a total over
 * 100 is a typo (`cached=200`, `cached=50,unique=80`), not a weight to normalise silently. The
 * load generator itself takes relative weights (the API and the UI send those).
 */
function checkMixPercent(text: string): string {
  const mix = parseMix(text);
  const total = Object.values(mix).reduce((a, b) => a + b, 0);
  // 1e-9: decimal percentages such as 33.3+33.3+33.4 sum to 100.00000000000001 in floating point.
  if (total > 100 + 1e-9) throw new UsageError(`--mix: the percentages add up to ${total}, more than 100 (e.g. ${formatMix(DEFAULT_MIX)})`);
  return text;
}

export function loadFrom(f: LoadFlags): RecordLoad {
  const n = (name: string, v: string | undefined, o: { integer?: boolean; min?: number } = {}) => (v === undefined ? undefined : parseNumberOption(name, v, o));
  return {
    users: n('--users', f.users, { integer: true, min: 1 }),
    rampUpS: n('--ramp-up', f.rampUp, { min: 0 }),
    durationS: n('--duration', f.duration, { min: 0.1 }),
    coolDownS: n('--cool-down', f.coolDown, { min: 0 }),
    rate: n('--rate', f.rate, { min: 0.001 }),
    mix: f.mix === undefined ? undefined : checkMixPercent(f.mix),
    thinkTimeMs: n('--think-time', f.thinkTime, { min: 0 }),
    seed: n('--seed', f.seed, { integer: true, min: 0 }),
    connections: n('--connections', f.connections, { integer: true, min: 1 }),
  };
}
