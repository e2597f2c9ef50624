/**
 * The embedded SARK server, `baseline` vs `optimized`, on the real Postgres (a database of its
 * own) and a real Redis (a throwaway redis-server), with the seed's traffic mix, driven by
 * autocannon in the same run. Targets on this 2-core machine (issue 3): optimized >= 5,000
 * req/s with p95 < 10 ms; cache-hit p95 < 1 ms inside the server. A third run, optimized with
 * profiling off, shows what profiling costs (issue 3: <= 2% throughput, <= 5% p95).
 *
 * Traffic mix (seed: 50% cached, 30% unique, 15% critical, 5% server operations):
 * - cached   50%  a hot pair (50 users x 20 tools), the pairs `prewarm` warms
 * - unique   30%  a random user x tool x action (almost never seen before: a miss)
 * - critical 15%  an admin x critical tool pair with {mfa: true}
 * - server    5%  4.5% server evaluations (random user x server, connect), 0.5% audit analytics
 *
 * Each server runs as a child process (forkSarkChild), so autocannon does not share its event
 * loop. Latency percentiles are ours (every response time into an HDR histogram): autocannon's
 * own summary has no p95. The profiling cost is measured apart (sark-overhead.ts): both servers
 * up, loaded in turn over alternating rounds.
 *
 * The server-side figures of the saturated runs (hit rate, cache-hit GET p95, queries) come from
 * the profiler's report at the end, so they include the warm-up. The below-saturation run
 * reads the report before and after its measured window, so its cache-hit figure is the
 * window's alone.
 *
 * The profiling cost is measured two ways (sark-overhead.ts): servers loaded in turn, and both
 * loaded at once; the second resolves ~2% where the first swings by +-10% on this VM.
 *
 *   npx tsx test/bench/sark-throughput.ts [--duration 15] [--warmup 20] [--connections 32] [--no-overhead]
 *     [--overhead-rounds 6] [--overhead-round-s 6] [--overhead-pairs 3] [--hits-only] [--only optimized|overhead|rate] [--rate 2000]
 */
import type { PerformanceReport } from '../../core/profiling/report-types.js';
import { LatencyHistogram } from '../../core/profiling/histogram.js';
import type { SarkServerOptions } from '../../core/sark/index.js';
import { autocannon, mixRequest, prng, startChild, stopChild, withBenchServices, type AutocannonRequest, type Kind } from './sark-bench-lib.js';
import { driveWithOurs } from './sark-driver-ours.js';
import { startTrivialEndpoint } from './trivial-endpoint.js';
import { measureProfilingCost, type OverheadResult } from './sark-overhead.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
}
const DURATION_S = arg('duration', 15);
/**
 * Unmeasured load first (the seed ramped up for 5 minutes): the user and tool-metadata caches
 * fill (5,000 users, 2,000 tools), so the measured part is the steady state, not a cold start.
 * At ~1,000 misses/s the 5,000 users take ~20 s to pass through the user cache once.
 */
const WARMUP_S = process.argv.includes('--warmup') ? arg('warmup', 20) : 20;
/** 32 connections: the setting of VERIFIED.md's ~29,000 req/s autocannon peer figure. */
const CONNECTIONS = arg('connections', 32);
const OVERHEAD = !process.argv.includes('--no-overhead');
/** Alternating rounds for the profiling cost (each round loads both servers in turn). */
const OVERHEAD_ROUNDS = process.argv.includes('--overhead-rounds') ? arg('overhead-rounds', 6) : 6;
const OVERHEAD_ROUND_S = process.argv.includes('--overhead-round-s') ? arg('overhead-round-s', 6) : 6;
/** Fresh pairs of server processes the rounds are spread over (see sark-overhead.ts). */
const OVERHEAD_PAIRS = process.argv.includes('--overhead-pairs') ? arg('overhead-pairs', 3) : 3;
/** `--hits-only` adds a run of optimized with hot pairs only: the cache-hit path's own capacity. */
const HITS_ONLY = process.argv.includes('--hits-only');
/**
 * `--only optimized` skips the baseline run; `--only overhead` runs only the profiling cost;
 * `--only rate` only the below-saturation run, at `--rate` req/s (default 2,000).
 */
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;

interface RunResult {
  name: string;
  /** The same server driven by the project's own load generator, after autocannon. */
  ours: Awaited<ReturnType<typeof driveWithOurs>> | null;
  rps: number;
  requests: number;
  errors: number;
  non2xx: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  mix: Record<Kind, number>;
  server: {
    cache_hit_rate: number;
    cache_hit_p95_ms: number;
    get_cached_decision_p95_ms: number | null;
    evaluate_policy_p95_ms: number | null;
    http_request_p95_ms: number | null;
    queries: number;
    slow_queries: number;
    n_plus_one: number;
    pool_exhaustion_events: number | null;
    pool_checked_out_max: number | null;
  } | null;
}

async function run(name: string, options: Omit<SarkServerOptions, 'log'>, hitsOnly = false): Promise<RunResult> {
  process.stdout.write(`\n== ${name}: starting server\n`);
  const { child, ready } = await startChild(options);
  process.stdout.write(
    `   ready in ${ready.startupMs} ms (prewarmed ${ready.prewarmed}); warm-up ${WARMUP_S} s, then ${CONNECTIONS} connections for ${DURATION_S} s\n`,
  );
  const rnd = prng(42);
  const counts: Record<Kind, number> = { cached: 0, unique: 0, critical: 0, server: 0, analytics: 0 };
  if (WARMUP_S > 0) {
    const warm: Record<Kind, number> = { ...counts };
    await autocannon({
      url: ready.url,
      connections: CONNECTIONS,
      duration: WARMUP_S,
      requests: [{ setupRequest: (req: AutocannonRequest) => ({ ...req, ...mixRequest(ready, rnd, warm, hitsOnly) }) }],
    });
  }
  const hist = new LatencyHistogram();
  const instance = autocannon({
    url: ready.url,
    connections: CONNECTIONS,
    duration: DURATION_S,
    requests: [{ setupRequest: (req: AutocannonRequest) => ({ ...req, ...mixRequest(ready, rnd, counts, hitsOnly) }) }],
  });
  instance.on('response', (_c, _s, _b, responseTimeMs) => hist.record(responseTimeMs));
  const result = await instance;
  // Then the project's own generator against the same warm server, same connections and duration.
  const ours = hitsOnly ? null : await driveWithOurs(ready, CONNECTIONS, DURATION_S);
  let server: RunResult['server'] = null;
  if (options.profiling !== false) {
    const report = (await (await fetch(`${ready.url}/api/v1/admin/profiling/report`)).json()) as PerformanceReport;
    const fn = (n: string) => report.functions.find((f) => f.name === n)?.p95_ms ?? null;
    server = {
      cache_hit_rate: report.cache.hit_rate,
      cache_hit_p95_ms: report.cache.hit_latency_ms.p95,
      get_cached_decision_p95_ms: fn('get_cached_decision'),
      evaluate_policy_p95_ms: fn('evaluate_policy'),
      http_request_p95_ms: fn('http_request'),
      queries: report.queries.total_queries,
      slow_queries: report.queries.slow_queries_count,
      n_plus_one: report.n_plus_one.length,
      pool_exhaustion_events: report.pool?.exhaustion_events ?? null,
      pool_checked_out_max: report.pool?.checked_out.max ?? null,
    };
  }
  await stopChild(child);
  const s = hist.summary();
  const out: RunResult = {
    name,
    ours,
    rps: result.requests.total / result.duration,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    p50_ms: s.p50,
    p95_ms: s.p95,
    p99_ms: s.p99,
    mix: counts,
    server,
  };
  process.stdout.write(
    `   ${out.rps.toFixed(0)} req/s, p50 ${s.p50.toFixed(2)} ms, p95 ${s.p95.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, errors ${out.errors}, non-2xx ${out.non2xx}\n`,
  );
  if (ours !== null) {
    process.stdout.write(
      `   our generator: ${ours.rps.toFixed(0)} req/s, p50 ${ours.p50_ms.toFixed(2)} ms, p95 ${ours.p95_ms.toFixed(2)} ms, p99 ${ours.p99_ms.toFixed(2)} ms, errors ${ours.errors}\n`,
    );
  }
  if (server !== null) {
    process.stdout.write(
      `   inside: hit rate ${(server.cache_hit_rate * 100).toFixed(1)}%, cache-hit GET p95 ${server.cache_hit_p95_ms.toFixed(3)} ms, ` +
        `evaluate_policy p95 ${server.evaluate_policy_p95_ms?.toFixed(2)} ms, ${server.queries} queries (${server.slow_queries} slow), ` +
        `${server.n_plus_one} N+1 patterns, pool exhaustion events ${String(server.pool_exhaustion_events)}, max checked out ${String(server.pool_checked_out_max)}\n`,
    );
  }
  return out;
}

/**
 * The machine's ceiling in the same run: autocannon, same connections and duration, against a
 * trivial Node JSON endpoint (VERIFIED.md measured ~29,000 req/s on a quiet day). The absolute
 * targets were set against that figure; the ratio to it is what transfers between days.
 */
async function peerCeiling(): Promise<number> {
  const peer = await startTrivialEndpoint();
  try {
    const r = await autocannon({
      url: peer.url,
      connections: CONNECTIONS,
      duration: DURATION_S,
      requests: [{ method: 'POST', path: '/', headers: { 'content-type': 'application/json' }, body: '{"user_id":"user-1","tool_id":"tool-1","action":"invoke"}' }],
    });
    return r.requests.total / r.duration;
  } finally {
    peer.child.kill();
  }
}

async function profilingReport(url: string): Promise<PerformanceReport> {
  return (await (await fetch(`${url}/api/v1/admin/profiling/report`)).json()) as PerformanceReport;
}

/**
 * Cache hits of the measured window alone: the report is cumulative (warm-up included), so the
 * window is the difference of its hit-latency histogram before and after. Its first bucket is
 * [0, 1 ms): the cache-hit p95 is under 1 ms exactly when >= 95% of the window's hits fall in it.
 */
function windowHitLatency(before: PerformanceReport, after: PerformanceReport): { hits: number; under1ms: number } {
  const counts = after.cache.hit_latency_histogram.map((b, i) => b.count - (before.cache.hit_latency_histogram[i]?.count ?? 0));
  const hits = counts.reduce((a, b) => a + b, 0);
  const first = after.cache.hit_latency_histogram[0];
  if (first === undefined || first.from_ms !== 0 || first.to_ms !== 1) throw new Error('hit latency histogram: expected a first bucket of [0, 1) ms');
  return { hits, under1ms: hits === 0 ? 0 : (counts[0] as number) / hits };
}

interface BelowSaturation {
  rate: number;
  rps: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  cache_hit_rate: number;
  cache_hit_p95_ms: number;
  window_hits: number;
  window_hits_under_1ms: number;
}

/**
 * The server's own cache path below saturation: optimized driven by our generator's open model
 * at `rate` req/s, evenly spaced (autocannon's overallRate sends each second's budget in a burst),
 * warm-up included, so the cache-hit GET p95 is not queueing behind a saturated event loop.
 */
async function runAtRate(options: Omit<SarkServerOptions, 'log'>, rate: number): Promise<BelowSaturation> {
  process.stdout.write(`\n== optimized at ${rate} req/s (half its throughput, open model): starting server\n`);
  const { child, ready } = await startChild(options);
  try {
    await driveWithOurs(ready, CONNECTIONS, WARMUP_S, rate);
    const before = await profilingReport(ready.url);
    const m = await driveWithOurs(ready, CONNECTIONS, DURATION_S, rate);
    const report = await profilingReport(ready.url);
    const window = windowHitLatency(before, report);
    const out: BelowSaturation = {
      rate,
      rps: m.rps,
      p50_ms: m.p50_ms,
      p95_ms: m.p95_ms,
      p99_ms: m.p99_ms,
      cache_hit_rate: report.cache.hit_rate,
      cache_hit_p95_ms: report.cache.hit_latency_ms.p95,
      window_hits: window.hits,
      window_hits_under_1ms: window.under1ms,
    };
    process.stdout.write(
      `   ${m.rps.toFixed(0)} req/s, p50 ${m.p50_ms.toFixed(2)} ms, p95 ${m.p95_ms.toFixed(2)} ms, p99 ${m.p99_ms.toFixed(2)} ms; ` +
        `inside: hit rate ${(out.cache_hit_rate * 100).toFixed(1)}%, cache-hit GET p95 ${out.cache_hit_p95_ms.toFixed(3)} ms (warm-up included); ` +
        `measured window: ${(window.under1ms * 100).toFixed(1)}% of ${window.hits} cache hits under 1 ms\n`,
    );
    return out;
  } finally {
    await stopChild(child);
  }
}

/** Optimized with and without profiling over fresh pairs of processes (see sark-overhead.ts). */
async function profilingCost(pgUrl: string, redisUrl: string): Promise<OverheadResult> {
  process.stdout.write(
    `\n== profiling cost: optimized with and without profiling, ${OVERHEAD_ROUNDS} alternating rounds of ${OVERHEAD_ROUND_S} s over ${OVERHEAD_PAIRS} pairs of processes\n`,
  );
  return measureProfilingCost(pgUrl, redisUrl, { rounds: OVERHEAD_ROUNDS, roundS: OVERHEAD_ROUND_S, connections: CONNECTIONS, warmupS: WARMUP_S, pairs: OVERHEAD_PAIRS });
}

function costLine(o: OverheadResult): string {
  const cpu = o.cpu_cost_pct === null ? '' : `, server CPU per request +${o.cpu_cost_pct.toFixed(1)}%`;
  return (
    `profiling cost (median of ${o.rounds} alternating rounds): throughput ${o.throughput_cost_pct.toFixed(1)}% (target <= 2%), p95 ${o.p95_cost_pct.toFixed(1)}% (target <= 5%)${cpu}\n` +
    `profiling cost (median of ${o.rounds} rounds, both servers loaded at once): throughput ${o.together_cost_pct.toFixed(1)}% (target <= 2%)` +
    `, p95 ${o.together_p95_cost_pct.toFixed(1)}% (target <= 5%)` +
    `${o.together_cpu_cost_pct === null ? '' : `, server CPU per request +${o.together_cpu_cost_pct.toFixed(1)}%`}` +
    ` (per pair of processes: ${o.pair_together_cpu_cost_pct.map((v) => `${v >= 0 ? '+' : ''}${v.toFixed(1)}%`).join(', ')})\n`
  );
}

async function main(): Promise<void> {
  process.stdout.write(`== peer: a trivial Node JSON endpoint, ${CONNECTIONS} connections for ${DURATION_S} s\n`);
  const peerRps = await peerCeiling();
  process.stdout.write(`   ${peerRps.toFixed(0)} req/s\n`);
  const results: RunResult[] = [];
  let overhead: OverheadResult | null = null;
  let belowSaturation: BelowSaturation | undefined;
  const finished = await withBenchServices('sark_bench', async ({ pgUrl, redisUrl }) => {
    // The first start seeds the default data set (2M audit rows); the others reuse it.
    if (ONLY === 'overhead') {
      const o = await profilingCost(pgUrl, redisUrl);
      process.stdout.write(costLine(o));
      process.stdout.write(`${JSON.stringify({ bench: 'sark-throughput', only: 'overhead', warmup_s: WARMUP_S, profiling_cost: o })}\n`);
      return true;
    }
    if (ONLY === 'rate') {
      // Only the below-saturation run, at --rate req/s: the cache-hit figure without the rest.
      const b = await runAtRate({ profile: 'optimized', pgUrl, redisUrl }, arg('rate', 2000));
      process.stdout.write(`${JSON.stringify({ bench: 'sark-throughput', only: 'rate', below_saturation: b })}\n`);
      return true;
    }
    if (ONLY !== 'optimized') results.push(await run('baseline', { profile: 'baseline', pgUrl, redisUrl }));
    results.push(await run('optimized', { profile: 'optimized', pgUrl, redisUrl }));
    if (ONLY === 'optimized') {
      process.stdout.write(`optimized / trivial endpoint: ${((results[0] as RunResult).rps / peerRps).toFixed(3)} (autocannon)\n`);
      process.stdout.write(`${JSON.stringify({ bench: 'sark-throughput', duration_s: DURATION_S, connections: CONNECTIONS, peer_rps: peerRps, results })}\n`);
      return true;
    }
    if (OVERHEAD) overhead = await profilingCost(pgUrl, redisUrl);
    // The cache-hit target is about the server's own cache path: measured again at half the
    // optimized throughput, where the event loop is not saturated.
    const half = Math.round((results[1] as RunResult).rps / 2);
    belowSaturation = await runAtRate({ profile: 'optimized', pgUrl, redisUrl }, half);
    if (HITS_ONLY) results.push(await run('optimized, cache hits only', { profile: 'optimized', pgUrl, redisUrl }, true));
    return false;
  });
  if (finished) return;
  const base = results[0] as RunResult;
  const opt = results[1] as RunResult;
  process.stdout.write('\n');
  process.stdout.write(`optimized / baseline: ${(opt.rps / base.rps).toFixed(2)}x throughput, p95 ${(opt.p95_ms / base.p95_ms).toFixed(2)}x (autocannon)\n`);
  if (opt.ours && base.ours) {
    process.stdout.write(`optimized / baseline: ${(opt.ours.rps / base.ours.rps).toFixed(2)}x throughput, p95 ${(opt.ours.p95_ms / base.ours.p95_ms).toFixed(2)}x (our generator)\n`);
  }
  process.stdout.write(
    `optimized / trivial endpoint: ${(opt.rps / peerRps).toFixed(3)}, baseline / trivial endpoint: ${(base.rps / peerRps).toFixed(3)} (the 5,000 req/s target is 0.172 of VERIFIED.md's 29,000)\n`,
  );
  const under1 = belowSaturation?.window_hits_under_1ms;
  const under1Pct = under1 === undefined ? '?' : (under1 * 100).toFixed(1);
  // Judged below saturation: a saturated server queues every step for the CPU, and its report
  // includes the warm-up; that figure is printed for what it is.
  const hitVerdict = under1 === undefined ? '?' : under1 >= 0.95 ? 'met' : 'NOT met';
  process.stdout.write(`cache-hit GET inside the server at half throughput: ${under1Pct}% under 1 ms (target p95 < 1 ms: ${hitVerdict})\n`);
  process.stdout.write(
    `targets: optimized >= 5000 req/s: ${opt.rps >= 5000 ? 'met' : 'NOT met'} (${opt.rps.toFixed(0)}); p95 < 10 ms: ${opt.p95_ms < 10 ? 'met' : 'NOT met'} (${opt.p95_ms.toFixed(2)}); ` +
      `cache-hit p95 < 1 ms below saturation: ${hitVerdict} ` +
      `(${under1Pct}% under 1 ms; saturated, queueing and warm-up included: p95 ${opt.server?.cache_hit_p95_ms.toFixed(3) ?? '?'} ms)\n`,
  );
  if (overhead !== null) process.stdout.write(costLine(overhead));
  process.stdout.write(
    `${JSON.stringify({
      bench: 'sark-throughput',
      duration_s: DURATION_S,
      warmup_s: WARMUP_S,
      connections: CONNECTIONS,
      peer_rps: peerRps,
      results,
      ratio_rps: opt.rps / base.rps,
      ratio_to_peer: opt.rps / peerRps,
      below_saturation: belowSaturation,
      profiling_cost: overhead,
    })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
