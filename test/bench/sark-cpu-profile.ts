/**
 * Where the embedded server's CPU goes under the seed's traffic mix: starts `optimized` (or
 * `--profile baseline`) on the real Postgres and a throwaway Redis, loads it with autocannon,
 * takes a V8 CPU profile of the server through GET /api/v1/admin/profiling/cpu while the load
 * runs, writes it (`--out FILE`, opens in Chrome DevTools / speedscope) and prints the top
 * functions by self time and the share of each area (profiling library, pg, ioredis, http,
 * Cedar, GC, idle).
 *
 *   npx tsx test/bench/sark-cpu-profile.ts [--profile optimized] [--seconds 8] [--warmup 10] [--connections 32]
 *     [--no-profiling | --side-by-side] [--set knob=value]... [--out /tmp/sark.cpuprofile]
 */
import { writeFileSync } from 'node:fs';
import type { PerformanceReport } from '../../core/profiling/report-types.js';
import type { SarkReadyMessage, SarkServerOptions } from '../../core/sark/index.js';
import { autocannon, mixRequest, prng, startChild, startProfiledPair, stopChild, withBenchServices, type AutocannonRequest, type Kind } from './sark-bench-lib.js';

interface CpuNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: CpuNode[];
  samples: number[];
  timeDeltas: number[];
}

function opt(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}
const PROFILE = (opt('profile') ?? 'optimized') as 'baseline' | 'optimized';
const SECONDS = Number(opt('seconds') ?? 8);
const CONNECTIONS = Number(opt('connections') ?? 32);
/** Unmeasured load first, as sark-throughput does: the user and tool caches fill. */
const WARMUP_S = Number(opt('warmup') ?? 10);
const OUT = opt('out') ?? '/tmp/sark.cpuprofile';
const KNOBS: Record<string, string> = {};
process.argv.forEach((a, i) => {
  if (a !== '--set') return;
  const [k, v] = (process.argv[i + 1] ?? '').split('=');
  if (k && v !== undefined) KNOBS[k] = v;
});

/** The area a frame belongs to, by its script URL and name. */
function area(frame: CpuNode['callFrame']): string {
  const { url, functionName: fn } = frame;
  if (fn === '(idle)') return 'idle';
  if (fn === '(garbage collector)') return 'gc';
  if (fn === '(program)') return 'program';
  if (/core\/profiling\//.test(url)) return 'profiling library';
  if (/core\/sark\/instrument|core\/sark\/data\/deps/.test(url)) return 'profiling glue';
  if (/node_modules\/(pg|pg-protocol|pg-pool|pg-types)\//.test(url)) return 'pg';
  if (/node_modules\/(ioredis|redis-parser|@ioredis)\//.test(url)) return 'ioredis';
  if (/node_modules\/@cedar-policy|cedar|^wasm:/.test(url)) return 'cedar';
  if (/node_modules\/prom-client\//.test(url)) return 'prom-client';
  if (/node_modules\/hdr-histogram/.test(url)) return 'hdr histogram';
  if (/node:_http|node:http|node:net|node:stream|_http_/.test(url)) return 'node http/net';
  if (/core\/sark\//.test(url)) return 'sark';
  if (url.startsWith('node:') || url === '') return fn === 'writev' || fn === 'writeUtf8String' || fn === 'writeBuffer' ? 'syscalls (write)' : 'node/native';
  return 'other';
}

interface Profiled {
  profile: CpuProfile;
  rps: number;
  counts: Record<Kind, number>;
}

/** Loads the server with the seed's mix and takes a CPU profile of it while the load runs. */
async function profileUnderLoad(ready: SarkReadyMessage, seed: number): Promise<Profiled> {
  const rnd = prng(seed);
  const counts: Record<Kind, number> = { cached: 0, unique: 0, critical: 0, server: 0, analytics: 0 };
  const load = autocannon({
    url: ready.url,
    connections: CONNECTIONS,
    duration: WARMUP_S + SECONDS + 1,
    requests: [{ setupRequest: (req: AutocannonRequest) => ({ ...req, ...mixRequest(ready, rnd, counts, false) }) }],
  });
  await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
  const res = await fetch(`${ready.url}/api/v1/admin/profiling/cpu?ms=${SECONDS * 1000}`);
  const profile = (await res.json()) as CpuProfile;
  const result = await load;
  return { profile, rps: result.requests.total / result.duration, counts };
}

interface Breakdown {
  rps: number;
  busyUsPerRequest: number;
  busyShare: number;
  /** Self time per area and per function, µs per request. */
  areas: Map<string, number>;
  functions: Map<string, number>;
}

function breakdown({ profile, rps }: Profiled): Breakdown {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const functions = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const f = byId.get(id)!.callFrame;
    total += us;
    const a = area(f);
    if (a === 'idle') continue;
    const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|core)\//, '$1/')}:${f.lineNumber + 1}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
    areas.set(a, (areas.get(a) ?? 0) + us);
  }
  const requests = rps * (total / 1e6);
  const busy = [...areas.values()].reduce((x, y) => x + y, 0);
  const perRequest = (m: Map<string, number>) => new Map([...m].map(([k, us]) => [k, us / requests]));
  return { rps, busyUsPerRequest: busy / requests, busyShare: busy / total, areas: perRequest(areas), functions: perRequest(functions) };
}

/**
 * `--side-by-side`: the server with profiling and the same server without, both running and
 * loaded at the same time (so the machine's drift hits both), each CPU-profiled over the same
 * window; prints each area's µs per request for both and the difference: where profiling's
 * cost goes, including what no profiling function's self time shows (GC, native work).
 */
async function sideBySide(pgUrl: string, redisUrl: string): Promise<void> {
  const { on, off } = await startProfiledPair({ profile: PROFILE, pgUrl, knobs: KNOBS }, redisUrl);
  try {
    const [pOn, pOff] = await Promise.all([profileUnderLoad(on.ready, 42), profileUnderLoad(off.ready, 42)]);
    const a = breakdown(pOn);
    const b = breakdown(pOff);
    process.stdout.write(
      `${PROFILE}, both loaded at once: profiling on ${a.rps.toFixed(0)} req/s, ${a.busyUsPerRequest.toFixed(1)} us CPU per request; ` +
        `off ${b.rps.toFixed(0)} req/s, ${b.busyUsPerRequest.toFixed(1)} us (difference ${(a.busyUsPerRequest - b.busyUsPerRequest).toFixed(1)} us, ` +
        `${((a.busyUsPerRequest / b.busyUsPerRequest - 1) * 100).toFixed(1)}%)\n\n`,
    );
    process.stdout.write('us per request by area:      on      off    diff\n');
    const names = [...new Set([...a.areas.keys(), ...b.areas.keys()])];
    const diff = (m1: Map<string, number>, m2: Map<string, number>, k: string) => (m1.get(k) ?? 0) - (m2.get(k) ?? 0);
    for (const k of names.sort((x, y) => diff(a.areas, b.areas, y) - diff(a.areas, b.areas, x))) {
      process.stdout.write(`  ${k.padEnd(22)} ${(a.areas.get(k) ?? 0).toFixed(1).padStart(7)} ${(b.areas.get(k) ?? 0).toFixed(1).padStart(7)} ${diff(a.areas, b.areas, k).toFixed(1).padStart(7)}\n`);
    }
    process.stdout.write('\nfunctions that cost more with profiling on (us per request):\n');
    const fnames = [...new Set([...a.functions.keys(), ...b.functions.keys()])];
    for (const k of fnames.sort((x, y) => diff(a.functions, b.functions, y) - diff(a.functions, b.functions, x)).slice(0, 25)) {
      process.stdout.write(`  ${diff(a.functions, b.functions, k).toFixed(2).padStart(6)}  ${k}\n`);
    }
    process.stdout.write(
      `${JSON.stringify({ bench: 'sark-cpu-profile', side_by_side: true, profile: PROFILE, on: { rps: a.rps, busy_us_per_request: a.busyUsPerRequest, areas: Object.fromEntries(a.areas) }, off: { rps: b.rps, busy_us_per_request: b.busyUsPerRequest, areas: Object.fromEntries(b.areas) } })}\n`,
    );
  } finally {
    await stopChild(on.child);
    await stopChild(off.child);
  }
}

async function main(): Promise<void> {
  await withBenchServices('sark_cpu', async ({ pgUrl, redisUrl }) => {
    if (process.argv.includes('--side-by-side')) {
      await sideBySide(pgUrl, redisUrl);
      return;
    }
    const options: Omit<SarkServerOptions, 'log'> = { profile: PROFILE, pgUrl, redisUrl, knobs: KNOBS };
    if (process.argv.includes('--no-profiling')) options.profiling = false;
    const { child, ready } = await startChild(options);
    const profiled = await profileUnderLoad(ready, 42);
    const report = (await (await fetch(`${ready.url}/api/v1/admin/profiling/report`)).json()) as PerformanceReport | { error: string };
    await stopChild(child);
    writeFileSync(OUT, JSON.stringify(profiled.profile));
    const b = breakdown(profiled);
    const pct = (us: number) => ((100 * us) / b.busyUsPerRequest).toFixed(1).padStart(5);
    process.stdout.write(
      `${PROFILE}${options.profiling === false ? ' (no profiling)' : ''}: ${b.rps.toFixed(0)} req/s; server busy ${(100 * b.busyShare).toFixed(0)}% of the window, ${b.busyUsPerRequest.toFixed(0)} us CPU per request\n`,
    );
    process.stdout.write('\nshare of busy time by area:\n');
    for (const [a, us] of [...b.areas].sort((x, y) => y[1] - x[1])) process.stdout.write(`  ${pct(us)}%  ${a}\n`);
    process.stdout.write('\ntop functions by self time:\n');
    for (const [k, us] of [...b.functions].sort((x, y) => y[1] - x[1]).slice(0, 30)) process.stdout.write(`  ${pct(us)}%  ${k}\n`);
    if ('queries' in report) {
      const requests = Object.values(profiled.counts).reduce((x, y) => x + y, 0);
      process.stdout.write(`\nqueries per request: ${(report.queries.total_queries / requests).toFixed(3)} (${report.queries.total_queries} for ${requests} requests, warm-up included)\n`);
      for (const q of [...report.queries.by_fingerprint].sort((x, y) => y.count - x.count).slice(0, 8)) {
        process.stdout.write(`  ${String(q.count).padStart(7)}  ${q.query.replace(/\s+/g, ' ').slice(0, 110)}\n`);
      }
    }
    process.stdout.write(`\nprofile written to ${OUT}\n`);
    process.stdout.write(
      `${JSON.stringify({ bench: 'sark-cpu-profile', profile: PROFILE, rps: b.rps, busy_us_per_request: b.busyUsPerRequest, areas: Object.fromEntries([...b.areas].map(([a, us]) => [a, us / b.busyUsPerRequest])) })}\n`,
    );
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
