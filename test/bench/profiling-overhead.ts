/**
 * Profiling overhead: throughput of simple queries (`SELECT $1::int` through a pg.Pool) and of
 * Redis GETs (ioredis), bare vs instrumented, in the same run, alternating rounds so drift on a
 * shared machine hits both sides alike. Target (issue 2): <= 5% throughput loss (the seed's
 * profiler cost 4.4%). Also times takeSnapshot() with ~50 fingerprints and functions (budget:
 * well under 10 ms, as the embedded server sends one per second).
 *
 *   npx tsx test/bench/profiling-overhead.ts [--rounds 10] [--segment-ms 800] [--concurrency 4] [--only queries|redis]
 *
 * Needs the test Postgres (127.0.0.1:5432/test) and Redis (127.0.0.1:6379, DB 1).
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Redis } from 'ioredis';
import {
  ConnectionPoolMonitor,
  cacheAnalyzer,
  functionProfiler,
  queryProfiler,
  takeSnapshot,
} from '../../core/profiling/index.js';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '10' },
    'segment-ms': { type: 'string', default: '800' },
    concurrency: { type: 'string', default: '4' },
    /** Run only part of it: queries, redis (the snapshot and recorder costs always run). */
    only: { type: 'string' },
  },
});
const ONLY = args.only;
const ROUNDS = Number(args.rounds);
const SEGMENT_MS = Number(args['segment-ms']);
const CONCURRENCY = Number(args.concurrency);
const PG_URL = process.env.SARK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const KEY = `bench:profiling:${process.pid}`;

interface Segment {
  opsPerS: number;
  /** CPU time of this process per operation (user + system), µs: less sensitive to other load. */
  cpuUsPerOp: number;
}

/** Closed loop: CONCURRENCY workers call op() back to back for SEGMENT_MS. */
async function segment(op: (i: number) => Promise<unknown>): Promise<Segment> {
  const end = performance.now() + SEGMENT_MS;
  let n = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      await op(n);
      n++;
    }
  };
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const elapsedS = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { opsPerS: n / elapsedS, cpuUsPerOp: (used.user + used.system) / n };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

interface Comparison {
  bare_ops_s: number;
  instrumented_ops_s: number;
  /** Throughput loss, % (median of per-round ratios: rounds cancel drift between them). */
  overhead_pct: number;
  bare_cpu_us_per_op: number;
  instrumented_cpu_us_per_op: number;
  cpu_overhead_pct: number;
}

async function compare(label: string, bare: (i: number) => Promise<unknown>, instrumented: (i: number) => Promise<unknown>): Promise<Comparison> {
  // Warm both paths (JIT, connections, the fingerprint cache).
  await segment(bare);
  await segment(instrumented);
  const rounds: Array<[Segment, Segment]> = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate which side goes first.
    let b: Segment;
    let i: Segment;
    if (r % 2 === 0) {
      b = await segment(bare);
      i = await segment(instrumented);
    } else {
      i = await segment(instrumented);
      b = await segment(bare);
    }
    rounds.push([b, i]);
    console.log(
      `${label} round ${r + 1}: bare ${b.opsPerS.toFixed(0)}/s (${b.cpuUsPerOp.toFixed(1)} µs cpu/op), ` +
        `instrumented ${i.opsPerS.toFixed(0)}/s (${i.cpuUsPerOp.toFixed(1)} µs cpu/op)`,
    );
  }
  const result: Comparison = {
    bare_ops_s: median(rounds.map(([b]) => b.opsPerS)),
    instrumented_ops_s: median(rounds.map(([, i]) => i.opsPerS)),
    overhead_pct: median(rounds.map(([b, i]) => ((b.opsPerS - i.opsPerS) / b.opsPerS) * 100)),
    bare_cpu_us_per_op: median(rounds.map(([b]) => b.cpuUsPerOp)),
    instrumented_cpu_us_per_op: median(rounds.map(([, i]) => i.cpuUsPerOp)),
    cpu_overhead_pct: median(rounds.map(([b, i]) => ((i.cpuUsPerOp - b.cpuUsPerOp) / b.cpuUsPerOp) * 100)),
  };
  console.log(
    `${label}: bare ${result.bare_ops_s.toFixed(0)}/s, instrumented ${result.instrumented_ops_s.toFixed(0)}/s ` +
      `(ratio ${(result.instrumented_ops_s / result.bare_ops_s).toFixed(3)}), throughput overhead ${result.overhead_pct.toFixed(1)}%; ` +
      `cpu ${result.bare_cpu_us_per_op.toFixed(1)} vs ${result.instrumented_cpu_us_per_op.toFixed(1)} µs/op (+${result.cpu_overhead_pct.toFixed(1)}%)`,
  );
  return result;
}

interface SnapshotCost {
  fingerprints: number;
  functions: number;
  /** Wall time per snapshot, ms (includes whatever else the shared machine was doing). */
  snapshot_ms: number;
  /** CPU time of this process per snapshot, ms. */
  snapshot_cpu_ms: number;
  snapshot_with_histograms_ms: number;
  snapshot_with_histograms_cpu_ms: number;
}

function snapshotCost(): SnapshotCost {
  // Letters, not numbers: libpg-query's fingerprint folds numbered table names together.
  const name = (f: number): string => String.fromCharCode(97 + (f % 26)) + String.fromCharCode(97 + Math.floor(f / 26));
  for (let f = 0; f < 50; f++) {
    for (let i = 0; i < 200; i++) {
      queryProfiler.recordQuery({ statement: `SELECT * FROM table_${name(f)} WHERE id = $1`, durationMs: 1 + (i % 17) });
    }
    const span = functionProfiler.profile(`function_${f}`, (x: number) => x + 1);
    for (let i = 0; i < 200; i++) span(i);
  }
  for (let i = 0; i < 10; i++) takeSnapshot({ histograms: true });
  // Worst case: every fingerprint and function recorded something since the last snapshot,
  // so no cached percentile or encoding can be reused.
  const touch = (): void => {
    for (const h of queryProfiler.histograms().values()) h.record(3);
    for (const h of functionProfiler.histograms().values()) h.record(3);
  };
  const time = (n: number, histograms: boolean): [wallMs: number, cpuMs: number] => {
    let wall = 0;
    let cpu = 0;
    for (let i = 0; i < n; i++) {
      touch();
      const c = process.cpuUsage();
      const t = performance.now();
      takeSnapshot({ histograms });
      wall += performance.now() - t;
      const used = process.cpuUsage(c);
      cpu += (used.user + used.system) / 1000;
    }
    return [wall / n, cpu / n];
  };
  const [plainWall, plainCpu] = time(100, false);
  const [histWall, histCpu] = time(30, true);
  const report = takeSnapshot().report;
  return {
    fingerprints: report.queries.by_fingerprint.length,
    functions: report.functions.length,
    snapshot_ms: plainWall,
    snapshot_cpu_ms: plainCpu,
    snapshot_with_histograms_ms: histWall,
    snapshot_with_histograms_cpu_ms: histCpu,
  };
}

/**
 * What the profiler itself adds per operation, timed in a tight loop without the network (CPU
 * µs). Less exposed to the other processes on the machine than the end-to-end throughput.
 */
function recorderCost(): { query_us: number; cache_get_us: number } {
  const n = 200_000;
  const keys = Array.from({ length: 4_096 }, (_, i) => `policy:user-${i & 1023}:tool-${i >> 10}:invoke`);
  const time = (f: (i: number) => void): number => {
    for (let i = 0; i < 20_000; i++) f(i);
    const c = process.cpuUsage();
    for (let i = 0; i < n; i++) f(i);
    const used = process.cpuUsage(c);
    return (used.user + used.system) / n;
  };
  const query = time(() => {
    const issued = queryProfiler.begin('SELECT $1::int');
    if (issued !== null) queryProfiler.end(issued, null, 1);
  });
  const cache = time((i) => cacheAnalyzer.add(keys[i & 4095] as string, 'get', (i & 1) === 0, 0.05));
  return { query_us: query, cache_get_us: cache };
}

async function compareQueries(): Promise<[Comparison, Comparison]> {
  const barePool = new pg.Pool({ connectionString: PG_URL, max: CONCURRENCY });
  const instrPool = queryProfiler.instrument(new pg.Pool({ connectionString: PG_URL, max: CONCURRENCY }));
  await queryProfiler.ready();
  const queries = await compare(
    'SELECT $1::int',
    (i) => barePool.query('SELECT $1::int', [i]),
    (i) => instrPool.query('SELECT $1::int', [i]),
  );
  // The pool monitor adds checkout timing and (budgeted) call-site captures.
  const monitoredPool = queryProfiler.instrument(new pg.Pool({ connectionString: PG_URL, max: CONCURRENCY }));
  const monitor = new ConnectionPoolMonitor(monitoredPool, { register: false }).start(1_000);
  const withMonitor = await compare(
    'SELECT $1::int + pool monitor',
    (i) => barePool.query('SELECT $1::int', [i]),
    (i) => monitoredPool.query('SELECT $1::int', [i]),
  );
  monitor.close();
  await barePool.end();
  await instrPool.end();
  await monitoredPool.end();
  return [queries, withMonitor];
}

async function compareGets(): Promise<Comparison> {
  const bareRedis = new Redis({ host: '127.0.0.1', port: 6379, db: 1 });
  const instrRedis = cacheAnalyzer.instrument(new Redis({ host: '127.0.0.1', port: 6379, db: 1 }));
  await bareRedis.set(KEY, '{"allow":true,"reason":"bench"}', 'EX', 600);
  const gets = await compare(
    'Redis GET',
    () => bareRedis.get(KEY),
    () => instrRedis.get(KEY),
  );
  await bareRedis.del(KEY);
  bareRedis.disconnect();
  instrRedis.disconnect();
  return gets;
}

async function main(): Promise<void> {
  console.log(`profiling overhead: ${ROUNDS} rounds x ${SEGMENT_MS} ms per side, concurrency ${CONCURRENCY}`);
  const skipped: Comparison = {
    bare_ops_s: 0,
    instrumented_ops_s: 0,
    overhead_pct: 0,
    bare_cpu_us_per_op: 0,
    instrumented_cpu_us_per_op: 0,
    cpu_overhead_pct: 0,
  };
  let queries = skipped;
  let withMonitor = skipped;
  let gets = skipped;
  if (ONLY === undefined || ONLY === 'queries') [queries, withMonitor] = await compareQueries();
  if (ONLY === undefined || ONLY === 'redis') gets = await compareGets();
  const recorded = { queries: queryProfiler.getQueryStats().total_queries, cache_ops: cacheAnalyzer.getStats().operations };
  console.log(`recorded while measuring: ${recorded.queries} queries, ${recorded.cache_ops} cache operations`);
  await queryProfiler.ready();
  const recorder = recorderCost();
  const pctOf = (us: number, base: number): string => (base > 0 ? `${((us / base) * 100).toFixed(1)}%` : 'n/a');
  console.log(
    `recorder cost per operation (no network): query ${recorder.query_us.toFixed(2)} µs ` +
      `(${pctOf(recorder.query_us, queries.bare_cpu_us_per_op)} of a bare query's cpu), ` +
      `cache GET ${recorder.cache_get_us.toFixed(2)} µs (${pctOf(recorder.cache_get_us, gets.bare_cpu_us_per_op)} of a bare GET's cpu)`,
  );
  const snapshot = snapshotCost();
  console.log(
    `takeSnapshot with ${snapshot.fingerprints} fingerprints and ${snapshot.functions} functions, all changed: ` +
      `${snapshot.snapshot_ms.toFixed(2)} ms (cpu ${snapshot.snapshot_cpu_ms.toFixed(2)} ms), ` +
      `with histograms ${snapshot.snapshot_with_histograms_ms.toFixed(2)} ms (cpu ${snapshot.snapshot_with_histograms_cpu_ms.toFixed(2)} ms)`,
  );
  const targetPct = 5;
  console.log(
    JSON.stringify({
      bench: 'profiling-overhead',
      rounds: ROUNDS,
      segment_ms: SEGMENT_MS,
      concurrency: CONCURRENCY,
      queries,
      queries_with_pool_monitor: withMonitor,
      redis_get: gets,
      recorder_cost_us: recorder,
      snapshot,
      target_overhead_pct: targetPct,
      only: ONLY ?? null,
      within_target: queries.overhead_pct <= targetPct && gets.overhead_pct <= targetPct,
    }),
  );
}

main().catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
