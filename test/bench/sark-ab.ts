/**
 * A/B of two builds or configurations of the embedded server, loaded at the same time, over
 * several pairs of freshly started processes: the tool for bisecting the cost of profiling.
 * Each side is a `dist/` directory (a copy elsewhere needs package.json, node_modules and
 * resources beside it), server options, env vars of its own and extra Node flags. Per round it
 * prints each side's throughput and CPU per request (schedstat, all threads); at the end, the
 * median of the per-round CPU ratios, each pair's median and a JSON line.
 *
 *   npx tsx test/bench/sark-ab.ts [--pairs 6] [--rounds 2] [--round-s 8] [--warmup-s 10]
 *       [--a-dist DIR] [--b-dist DIR] [--a-profiling on|off] [--b-profiling on|off]
 *       [--a-opts JSON] [--b-opts JSON] [--a-env K=V,..] [--b-env K=V,..]
 *       [--a-node-flags "..."] [--b-node-flags "..."] [--perf] [--gc]
 *
 * Why pairs, not rounds: one server process can carry a cost of its own for its whole life, so
 * more rounds on one pair only measure that pair. On the 2-core CI VM an A/A run gave -3.6% to
 * +1.2% per pair, and the median of 4 pairs moved by 2 points between two runs of one
 * configuration: only effects of several points can be told apart.
 *
 * `--gc` runs both servers under V8's `--trace-gc` and prints each round's mark-compacts (full
 * GCs) per side: how the allocation-site pretenuring that process-tuning.ts now switches off was
 * found (3-7 per 30 s on a server that had fallen into it; with it off, none over a server's
 * first ~40 s, 2-6 a minute later in life).
 *
 * `--perf` samples both servers' CPU time in the last round of each pair with
 * `perf record -e cpu-clock` (into /tmp/sark-ab-{A,B}-<pair>.data) and runs them under
 * `--perf-basic-prof` (V8 then also writes isolate-*-v8.log files, into the temp directory), so
 * `perf report` names JavaScript functions. V8's own profiler samples
 * wall time, which under contention shows both servers spending about the same per request.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from '../../core/analysis/stats.js';
import type { SarkReadyMessage } from '../../core/sark/index.js';
import { autocannon, mixRequest, processCpuNs, prng, redisDb, stopChild, whenReady, withBenchServices, type AutocannonRequest, type Kind } from './sark-bench-lib.js';

const { values: args } = parseArgs({
  options: {
    pairs: { type: 'string', default: '6' },
    rounds: { type: 'string', default: '2' },
    'round-s': { type: 'string', default: '8' },
    'warmup-s': { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    'a-dist': { type: 'string' },
    'b-dist': { type: 'string' },
    'a-profiling': { type: 'string', default: 'on' },
    'b-profiling': { type: 'string', default: 'on' },
    'a-opts': { type: 'string', default: '{}' },
    'b-opts': { type: 'string', default: '{}' },
    'a-env': { type: 'string', default: '' },
    'b-env': { type: 'string', default: '' },
    'a-node-flags': { type: 'string', default: '' },
    'b-node-flags': { type: 'string', default: '' },
    perf: { type: 'boolean', default: false },
    gc: { type: 'boolean', default: false },
  },
});

function positive(name: string): number {
  const v = Number(args[name as keyof typeof args]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
}
const PAIRS = positive('pairs');
const ROUNDS = positive('rounds');
const ROUND_S = positive('round-s');
const WARMUP_S = positive('warmup-s');
const CONNECTIONS = positive('connections');
const DEFAULT_DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');

interface Side {
  name: 'A' | 'B';
  dist: string;
  profiling: boolean;
  options: Record<string, unknown>;
  env: Record<string, string>;
  nodeFlags: string[];
}

function side(name: 'A' | 'B'): Side {
  const k = name.toLowerCase() as 'a' | 'b';
  const profiling = args[`${k}-profiling`];
  if (profiling !== 'on' && profiling !== 'off') throw new Error(`--${k}-profiling must be on or off`);
  let options: unknown;
  try {
    options = JSON.parse(args[`${k}-opts`] ?? '{}');
  } catch (err) {
    throw new Error(`--${k}-opts is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new Error(`--${k}-opts must be a JSON object`);
  const env: Record<string, string> = {};
  for (const pair of (args[`${k}-env`] ?? '').split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--${k}-env: expected K=V, got ${pair}`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const nodeFlags = (args[`${k}-node-flags`] ?? '').split(' ').filter(Boolean);
  if (args.perf) nodeFlags.push('--perf-basic-prof');
  if (args.gc) nodeFlags.push('--trace-gc');
  const dist = args[`${k}-dist`] ?? DEFAULT_DIST;
  if (!existsSync(join(dist, 'core', 'sark', 'child.js'))) throw new Error(`--${k}-dist: no core/sark/child.js under ${dist} (npm run build makes dist/)`);
  return { name, dist, profiling: profiling === 'on', options: options as Record<string, unknown>, env, nodeFlags };
}

/** CPU time (ns) of process `pid`, all threads (Linux schedstat); the A/B needs it. */
function cpuNs(pid: number): number {
  const ns = processCpuNs(pid);
  if (ns === null) throw new Error('sark-ab needs /proc/<pid>/task/*/schedstat (Linux) to read the servers\' CPU time');
  return ns;
}

/** Mark-compacts each server has run so far (`--gc`: counted from its --trace-gc lines). */
const markCompacts = new Map<ChildProcess, number>();

async function start(s: Side, pgUrl: string, redisUrl: string): Promise<{ child: ChildProcess; ready: SarkReadyMessage }> {
  const options = { profile: 'optimized', pgUrl, redisUrl, profiling: s.profiling, ...s.options };
  const child = fork(join(s.dist, 'core', 'sark', 'child.js'), [], {
    execArgv: ['--enable-source-maps', ...s.nodeFlags],
    // --perf-basic-prof also has V8 write an isolate-*-v8.log into the working directory.
    cwd: args.perf ? tmpdir() : process.cwd(),
    stdio: ['ignore', args.gc ? 'pipe' : 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, ...s.env, SARK_SERVER_OPTIONS: JSON.stringify(options) },
  });
  if (args.gc && child.stdout !== null) {
    let tail = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (tail + chunk).split('\n');
      tail = lines.pop() ?? '';
      for (const line of lines) if (line.includes('Mark-Compact')) markCompacts.set(child, (markCompacts.get(child) ?? 0) + 1);
    });
  }
  try {
    return { child, ready: await whenReady(child) };
  } catch (err) {
    throw new Error(`side ${s.name}: ${(err as Error).message}`, { cause: err });
  }
}

async function load(ready: SarkReadyMessage, seconds: number, seed: number): Promise<{ rps: number; cpuUs: number }> {
  const rnd = prng(seed);
  const counts: Record<Kind, number> = { cached: 0, unique: 0, critical: 0, server: 0, analytics: 0 };
  const c0 = cpuNs(ready.pid);
  const r = await autocannon({
    url: ready.url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [{ setupRequest: (req: AutocannonRequest) => ({ ...req, ...mixRequest(ready, rnd, counts, false) }) }],
  });
  const n = Math.max(1, r.requests.total);
  return { rps: r.requests.total / r.duration, cpuUs: (cpuNs(ready.pid) - c0) / 1000 / n };
}

const pct = (ratio: number): string => `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)}%`;

function perfRecord(pid: number, file: string): ChildProcess {
  return spawn('perf', ['record', '-q', '-e', 'cpu-clock', '-F', '4000', '-p', String(pid), '-o', file, '--', 'sleep', String(Math.max(1, ROUND_S - 2))], { stdio: 'inherit' });
}

async function main(): Promise<void> {
  const a = side('A');
  const b = side('B');
  await withBenchServices('sark_ab', async ({ pgUrl, redisUrl }) => {
    const db = (n: number) => redisDb(redisUrl, n);
    // Seeded by a start of its own: two first starts at once would both seed the empty database.
    process.stdout.write('seeding the data set (2M audit rows: about a minute)\n');
    const seeder = await start({ ...a, profiling: false, nodeFlags: [] }, pgUrl, db(3));
    await stopChild(seeder.child);
    const cpuRatios: number[] = [];
    const rpsRatios: number[] = [];
    const perPair: number[] = [];
    const roundMarkCompacts: Array<{ a: number; b: number }> = [];
    for (let p = 0; p < PAIRS; p++) {
      // Which side starts first alternates, in case the order of starts matters.
      const first = p % 2 === 0 ? a : b;
      const x = await start(first, pgUrl, db(first === a ? 1 : 2));
      const y = await start(first === a ? b : a, pgUrl, db(first === a ? 2 : 1));
      const [sa, sb] = first === a ? [x, y] : [y, x];
      try {
        await Promise.all([load(sa.ready, WARMUP_S, p), load(sb.ready, WARMUP_S, p)]);
        const ratios: number[] = [];
        for (let r = 0; r < ROUNDS; r++) {
          const perfs =
            args.perf && r === ROUNDS - 1 ? [perfRecord(sa.ready.pid, `/tmp/sark-ab-A-${p + 1}.data`), perfRecord(sb.ready.pid, `/tmp/sark-ab-B-${p + 1}.data`)] : [];
          const mcA = markCompacts.get(sa.child) ?? 0;
          const mcB = markCompacts.get(sb.child) ?? 0;
          const [ra, rb] = await Promise.all([load(sa.ready, ROUND_S, 100 + r), load(sb.ready, ROUND_S, 100 + r)]);
          await Promise.all(perfs.map((pp) => new Promise((done) => (pp.exitCode !== null ? done(null) : pp.once('exit', done)))));
          const mc = { a: (markCompacts.get(sa.child) ?? 0) - mcA, b: (markCompacts.get(sb.child) ?? 0) - mcB };
          if (args.gc) roundMarkCompacts.push(mc);
          ratios.push(ra.cpuUs / rb.cpuUs);
          cpuRatios.push(ra.cpuUs / rb.cpuUs);
          rpsRatios.push(ra.rps / rb.rps);
          process.stdout.write(
            `pair ${p + 1} round ${r + 1}: A ${ra.rps.toFixed(0)} req/s ${ra.cpuUs.toFixed(1)} us CPU/request; ` +
              `B ${rb.rps.toFixed(0)} req/s ${rb.cpuUs.toFixed(1)} us CPU/request; A/B CPU ${pct(ra.cpuUs / rb.cpuUs)}` +
              `${args.gc ? `; mark-compacts A ${mc.a}, B ${mc.b}` : ''}\n`,
          );
        }
        perPair.push(median(ratios));
        process.stdout.write(`pair ${p + 1}: median A/B CPU per request ${pct(median(ratios))}${args.perf ? ` (perf: /tmp/sark-ab-{A,B}-${p + 1}.data)` : ''}\n`);
      } finally {
        await stopChild(sa.child);
        await stopChild(sb.child);
      }
    }
    const negative = perPair.filter((r) => r < 1).length;
    process.stdout.write(
      `A against B, ${PAIRS} pairs: CPU per request ${pct(median(cpuRatios))} (A cheaper in ${negative} of ${PAIRS} pairs), throughput ${pct(median(rpsRatios))}\n`,
    );
    process.stdout.write(
      `${JSON.stringify({
        bench: 'sark-ab',
        pairs: PAIRS,
        rounds: ROUNDS,
        round_s: ROUND_S,
        warmup_s: WARMUP_S,
        a: { dist: a.dist, profiling: a.profiling, options: a.options, env: a.env, node_flags: a.nodeFlags },
        b: { dist: b.dist, profiling: b.profiling, options: b.options, env: b.env, node_flags: b.nodeFlags },
        cpu_a_over_b_pct: (median(cpuRatios) - 1) * 100,
        throughput_a_over_b_pct: (median(rpsRatios) - 1) * 100,
        per_pair_cpu_pct: perPair.map((r) => (r - 1) * 100),
        ...(args.gc ? { mark_compacts_per_round: roundMarkCompacts } : {}),
      })}\n`,
    );
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`sark-ab: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
