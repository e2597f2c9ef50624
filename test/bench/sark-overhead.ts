import type { SarkReadyMessage } from '../../core/sark/index.js';
import { LatencyHistogram } from '../../core/profiling/histogram.js';
import { autocannon, mixRequest, prng, startChild, stopChild, type AutocannonRequest, type Kind } from './sark-bench-lib.js';

/**
 * The cost of profiling, measured side by side: the optimized server with profiling and the same
 * server without, both running, loaded in turn for several short rounds (alternating which goes
 * first), so drift on a shared machine hits both alike; the result is the median of the
 * per-round ratios. Issue 3's target: <= 2% throughput, <= 5% p95.
 */
export interface OverheadResult {
  rounds: number;
  round_s: number;
  on_rps: number[];
  off_rps: number[];
  on_p95_ms: number[];
  off_p95_ms: number[];
  throughput_cost_pct: number;
  p95_cost_pct: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function load(ready: SarkReadyMessage, seconds: number, connections: number, seed: number): Promise<{ rps: number; p95: number }> {
  const rnd = prng(seed);
  const counts: Record<Kind, number> = { cached: 0, unique: 0, critical: 0, server: 0, analytics: 0 };
  const hist = new LatencyHistogram();
  const inst = autocannon({
    url: ready.url,
    connections,
    duration: seconds,
    requests: [{ setupRequest: (req: AutocannonRequest) => ({ ...req, ...mixRequest(ready, rnd, counts, false) }) }],
  });
  inst.on('response', (_c, _s, _b, ms) => hist.record(ms));
  const r = await inst;
  return { rps: r.requests.total / r.duration, p95: hist.percentile(95) };
}

export async function measureProfilingCost(
  pgUrl: string,
  redisUrl: string,
  opts: { rounds: number; roundS: number; connections: number; warmupS: number },
): Promise<OverheadResult> {
  // A Redis database each: with one shared cache, whichever server ran second in a round got
  // the first one's decisions as hits (the same request sequence) and looked ~1.8x faster.
  const db = (n: number) => redisUrl.replace(/\/\d+$/, '') + `/${n}`;
  const on = await startChild({ profile: 'optimized', pgUrl, redisUrl: db(1) });
  const off = await startChild({ profile: 'optimized', pgUrl, redisUrl: db(2), profiling: false });
  try {
    // Both warm before measuring, as long as the throughput runs warm: while the user and tool
    // caches fill, most requests take the miss path (more spans and queries to record), so the
    // measured rounds are the steady state, like the throughput figures.
    await load(on.ready, opts.warmupS, opts.connections, 1);
    await load(off.ready, opts.warmupS, opts.connections, 2);
    const out: OverheadResult = { rounds: opts.rounds, round_s: opts.roundS, on_rps: [], off_rps: [], on_p95_ms: [], off_p95_ms: [], throughput_cost_pct: 0, p95_cost_pct: 0 };
    const ratios: number[] = [];
    const p95Ratios: number[] = [];
    for (let r = 0; r < opts.rounds; r++) {
      const order = r % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const);
      const res: Record<'on' | 'off', { rps: number; p95: number }> = { on: { rps: 0, p95: 0 }, off: { rps: 0, p95: 0 } };
      for (const which of order) res[which] = await load(which === 'on' ? on.ready : off.ready, opts.roundS, opts.connections, 100 + r);
      out.on_rps.push(res.on.rps);
      out.off_rps.push(res.off.rps);
      out.on_p95_ms.push(res.on.p95);
      out.off_p95_ms.push(res.off.p95);
      ratios.push(res.on.rps / res.off.rps);
      p95Ratios.push(res.on.p95 / res.off.p95);
      process.stdout.write(`   round ${r + 1}: profiling on ${res.on.rps.toFixed(0)} req/s p95 ${res.on.p95.toFixed(2)} ms; off ${res.off.rps.toFixed(0)} req/s p95 ${res.off.p95.toFixed(2)} ms\n`);
    }
    out.throughput_cost_pct = (1 - median(ratios)) * 100;
    out.p95_cost_pct = (median(p95Ratios) - 1) * 100;
    return out;
  } finally {
    await stopChild(on.child);
    await stopChild(off.child);
  }
}
