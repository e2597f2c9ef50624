/**
 * Where the embedded server's CPU goes under the seed's traffic mix: starts `optimized` (or
 * `--profile baseline`) on the real Postgres and a throwaway Redis, loads it with autocannon,
 * takes a V8 CPU profile of the server through GET /api/v1/admin/profiling/cpu while the load
 * runs, writes it (`--out FILE`, opens in Chrome DevTools / speedscope) and prints the top
 * functions by self time and the share of each area (profiling library, pg, ioredis, http,
 * Cedar, GC, idle).
 *
 *   npx tsx test/bench/sark-cpu-profile.ts [--profile optimized] [--seconds 8] [--warmup 10] [--connections 32]
 *     [--no-profiling] [--set knob=value]... [--out /tmp/sark.cpuprofile]
 */
import { writeFileSync } from 'node:fs';
import type { PerformanceReport } from '../../core/profiling/report-types.js';
import type { SarkServerOptions } from '../../core/sark/index.js';
import { autocannon, mixRequest, prng, startChild, stopChild, withBenchServices, type AutocannonRequest, type Kind } from './sark-bench-lib.js';

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

async function main(): Promise<void> {
  await withBenchServices('sark_cpu', async ({ pgUrl, redisUrl }) => {
    const options: Omit<SarkServerOptions, 'log'> = { profile: PROFILE, pgUrl, redisUrl, knobs: KNOBS };
    if (process.argv.includes('--no-profiling')) options.profiling = false;
    const { child, ready } = await startChild(options);
    const rnd = prng(42);
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
    const report = (await (await fetch(`${ready.url}/api/v1/admin/profiling/report`)).json()) as PerformanceReport | { error: string };
    await stopChild(child);
    writeFileSync(OUT, JSON.stringify(profile));

    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const selfUs = new Map<number, number>();
    profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
    const byFn = new Map<string, number>();
    const byArea = new Map<string, number>();
    let total = 0;
    for (const [id, us] of selfUs) {
      const f = byId.get(id)!.callFrame;
      const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|core)\//, '$1/')}:${f.lineNumber + 1}`;
      byFn.set(key, (byFn.get(key) ?? 0) + us);
      const a = area(f);
      byArea.set(a, (byArea.get(a) ?? 0) + us);
      total += us;
    }
    const busy = total - (byArea.get('idle') ?? 0);
    const rps = result.requests.total / result.duration;
    const pct = (us: number) => ((100 * us) / busy).toFixed(1).padStart(5);
    process.stdout.write(`${PROFILE}${options.profiling === false ? ' (no profiling)' : ''}: ${rps.toFixed(0)} req/s; server busy ${((100 * busy) / total).toFixed(0)}% of the window, ${(busy / (rps * (total / 1e6))).toFixed(0)} us CPU per request\n`);
    process.stdout.write('\nshare of busy time by area:\n');
    for (const [a, us] of [...byArea].filter(([a]) => a !== 'idle').sort((x, y) => y[1] - x[1])) process.stdout.write(`  ${pct(us)}%  ${a}\n`);
    process.stdout.write('\ntop functions by self time:\n');
    for (const [k, us] of [...byFn].filter(([k]) => !k.startsWith('(idle)')).sort((x, y) => y[1] - x[1]).slice(0, 30)) process.stdout.write(`  ${pct(us)}%  ${k}\n`);
    if ('queries' in report) {
      const requests = Object.values(counts).reduce((a, b) => a + b, 0);
      process.stdout.write(`\nqueries per request: ${(report.queries.total_queries / requests).toFixed(3)} (${report.queries.total_queries} for ${requests} requests, warm-up included)\n`);
      for (const q of [...report.queries.by_fingerprint].sort((a, b) => b.count - a.count).slice(0, 8)) {
        process.stdout.write(`  ${String(q.count).padStart(7)}  ${q.query.replace(/\s+/g, ' ').slice(0, 110)}\n`);
      }
    }
    process.stdout.write(`\nprofile written to ${OUT}\n`);
    process.stdout.write(`${JSON.stringify({ bench: 'sark-cpu-profile', profile: PROFILE, rps, busy_us_per_request: busy / (rps * (total / 1e6)), areas: Object.fromEntries([...byArea].map(([a, us]) => [a, us / busy])) })}\n`);
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
