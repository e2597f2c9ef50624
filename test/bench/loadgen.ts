/**
 * Load generator throughput vs autocannon, side by side in the same run (issue 4: target
 * >= 0.8x autocannon's req/s).
 *
 * A trivial JSON endpoint runs in a separate process, so neither client shares its event loop.
 * Each round drives it with autocannon (programmatic API) and with our LoadGenerator (closed
 * model, users = connections, no think time, traffic mix and trace on as in a real session),
 * for the same duration and number of connections; the order alternates between rounds so a
 * warm-up or a neighbour's burst does not favour one side. Prints each round, the medians and
 * the ratio, then one JSON line.
 *
 * Then the open model at a fixed rate (`--open-rate`, default 2,000 req/s): the CPU each client
 * spends per request (process.cpuUsage over the run, both clients run in this process), since a
 * generator on the target's machine takes its CPU from the target. autocannon's `overallRate`
 * is its fixed-rate mode.
 *
 *   npx tsx test/bench/loadgen.ts [--rounds 3] [--duration 5] [--connections 32] [--open-rate 2000]
 */
import { createRequire } from 'node:module';
import { once } from 'node:events';
import { LoadGenerator } from '../../core/load/index.js';
import { startTrivialEndpoint } from './trivial-endpoint.js';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  errors: number;
  non2xx: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
}

const ROUNDS = arg('rounds', 3);
const DURATION_S = arg('duration', 5);
/** 32 connections: the setting of the ~29,000 req/s autocannon figure in VERIFIED.md. */
const CONNECTIONS = arg('connections', 32);
const OPEN_RATE = arg('open-rate', 2000);

const EVALUATE_BODY = '{"user_id":"user-1","action":"tool:invoke","tool_id":"tool-1"}';

/** autocannon against the endpoint's evaluate call; `overallRate` makes it a fixed-rate run. */
function autocannonRun(url: string, overallRate?: number): Promise<AutocannonResult> {
  return autocannon({
    url: `${url}/api/v1/policy/evaluate`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: EVALUATE_BODY,
    connections: CONNECTIONS,
    pipelining: 1,
    duration: DURATION_S,
    ...(overallRate === undefined ? {} : { overallRate }),
  });
}

async function runAutocannon(url: string): Promise<{ rps: number; p99Ms: number; errors: number }> {
  const r = await autocannonRun(url);
  return { rps: r.requests.total / DURATION_S, p99Ms: r.latency.p99, errors: r.errors + r.non2xx };
}

async function runOurs(url: string): Promise<{ rps: number; p99Ms: number; errors: number; traced: number }> {
  const gen = new LoadGenerator({ target: url, users: CONNECTIONS, connections: CONNECTIONS, durationS: DURATION_S });
  let traced = 0;
  // A consumer that takes every batch, as the recorder does (it hands them to the store's writer).
  gen.on('trace', (batch) => {
    traced += batch.length;
  });
  const t = await gen.run();
  // Our run's duration includes draining the last in-flight requests; rate over the load phase.
  return { rps: t.requests / DURATION_S, p99Ms: t.latency_ms.p99, errors: t.error_count, traced };
}

interface OpenRun {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerRequest: number;
  cpuPctOfCore: number;
}

/** CPU of this process (all threads) over fn, per request sent. */
async function withCpu(fn: () => Promise<{ requests: number; rps: number; p50Ms: number; p99Ms: number }>): Promise<OpenRun> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await fn();
  const c = process.cpuUsage(c0);
  const cpuUs = c.user + c.system;
  const wallMs = performance.now() - t0;
  return { rps: r.rps, p50Ms: r.p50Ms, p99Ms: r.p99Ms, cpuUsPerRequest: cpuUs / Math.max(1, r.requests), cpuPctOfCore: cpuUs / 10 / wallMs };
}

function openAutocannon(url: string): Promise<OpenRun> {
  return withCpu(async () => {
    const r = await autocannonRun(url, OPEN_RATE);
    return { requests: r.requests.total, rps: r.requests.total / DURATION_S, p50Ms: r.latency.p50, p99Ms: r.latency.p99 };
  });
}

function openOurs(url: string): Promise<OpenRun> {
  return withCpu(async () => {
    const gen = new LoadGenerator({ target: url, rate: OPEN_RATE, connections: CONNECTIONS, durationS: DURATION_S });
    gen.on('trace', () => undefined);
    const t = await gen.run();
    return { requests: t.requests, rps: t.requests / DURATION_S, p50Ms: t.latency_ms.p50, p99Ms: t.latency_ms.p99 };
  });
}

function openLine(who: string, r: OpenRun): string {
  return `${who.padEnd(11)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  CPU ${r.cpuUsPerRequest.toFixed(0)} us/request (${r.cpuPctOfCore.toFixed(0)}% of a core)`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

async function main(): Promise<void> {
  const { child, url } = await startTrivialEndpoint();
  const ac: number[] = [];
  const ours: number[] = [];
  const openAc: OpenRun[] = [];
  const openOur: OpenRun[] = [];
  try {
    console.log(`loadgen bench: ${ROUNDS} rounds x ${DURATION_S} s, ${CONNECTIONS} connections, server pid ${child.pid}`);
    // Warm-up (JIT on both sides, server sockets): not counted.
    await runOurs(url);
    for (let round = 1; round <= ROUNDS; round++) {
      const order = round % 2 === 1 ? (['autocannon', 'ours'] as const) : (['ours', 'autocannon'] as const);
      for (const who of order) {
        if (who === 'autocannon') {
          const r = await runAutocannon(url);
          ac.push(r.rps);
          console.log(`round ${round}  autocannon  ${r.rps.toFixed(0).padStart(7)} req/s  p99 ${r.p99Ms.toFixed(2)} ms  errors ${r.errors}`);
        } else {
          const r = await runOurs(url);
          ours.push(r.rps);
          console.log(`round ${round}  loadgen     ${r.rps.toFixed(0).padStart(7)} req/s  p99 ${r.p99Ms.toFixed(2)} ms  errors ${r.errors}  traced ${r.traced}`);
        }
      }
    }
    console.log(`open model at ${OPEN_RATE} req/s: CPU each client spends (this process, all threads)`);
    for (let round = 1; round <= ROUNDS; round++) {
      const first = round % 2 === 1;
      for (const who of first ? ['autocannon', 'loadgen'] : ['loadgen', 'autocannon']) {
        const r = who === 'autocannon' ? await openAutocannon(url) : await openOurs(url);
        (who === 'autocannon' ? openAc : openOur).push(r);
        console.log(`round ${round}  ${openLine(who, r)}`);
      }
    }
  } finally {
    child.kill();
    await once(child, 'exit');
  }
  const acMedian = median(ac);
  const oursMedian = median(ours);
  const ratio = oursMedian / acMedian;
  console.log(`median: autocannon ${acMedian.toFixed(0)} req/s, loadgen ${oursMedian.toFixed(0)} req/s, ratio ${ratio.toFixed(2)}x (target >= 0.80x)`);
  const acCpu = median(openAc.map((r) => r.cpuUsPerRequest));
  const ourCpu = median(openOur.map((r) => r.cpuUsPerRequest));
  console.log(`open model at ${OPEN_RATE} req/s, median CPU per request: autocannon ${acCpu.toFixed(0)} us, loadgen ${ourCpu.toFixed(0)} us (${(ourCpu / acCpu).toFixed(2)}x)`);
  console.log(
    JSON.stringify({
      bench: 'loadgen',
      open_rate: OPEN_RATE,
      open_autocannon: openAc,
      open_loadgen: openOur,
      open_cpu_ratio: Number((ourCpu / acCpu).toFixed(3)),
      rounds: ROUNDS,
      duration_s: DURATION_S,
      connections: CONNECTIONS,
      autocannon_rps: ac.map(Math.round),
      loadgen_rps: ours.map(Math.round),
      autocannon_median_rps: Math.round(acMedian),
      loadgen_median_rps: Math.round(oursMedian),
      ratio: Number(ratio.toFixed(3)),
      target_ratio: 0.8,
      pass: ratio >= 0.8,
    }),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
