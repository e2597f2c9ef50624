/**
 * The recorder under sustained load (issue 4): a session of --duration s (default 60) at the
 * highest rate the machine sustains, through startRecording into a store on disk, as the CLI
 * runs it. Prints what was ingested per second, writer drops (target 0), the recorder's peak
 * RSS sampled every second, and its RSS slope extrapolated to a 30-minute session (target
 * < 500 MB), then one JSON line.
 *
 * Two targets, side by side in the same run:
 * - trivial: a JSON endpoint in its own process answering at once: the recorder's ingest
 *   ceiling (trace + timeline + latency windows at tens of thousands of requests/s);
 * - embedded: the embedded SARK server (optimized profile, small data set) with profiling
 *   snapshots every second on top: the realistic session.
 * Closed model with enough users to saturate (no think time): the load generator sends as fast
 * as the target answers.
 *
 *   npx tsx test/bench/recorder.ts [--duration 60] [--target both|trivial|embedded] [--users 32]
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../helpers/env.js';
import { buildSessionReport } from '../../core/report/build.js';
import { startRecording, type RecordOptions } from '../../core/session/index.js';
import { openStore, type TableName } from '../../core/store/index.js';
import { startTrivialEndpoint } from './trivial-endpoint.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : (process.argv[i + 1] ?? fallback);
}
function numArg(name: string, fallback: number): number {
  const v = Number(arg(name, String(fallback)));
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
}

const DURATION_S = numArg('duration', 60);
const TARGETS = arg('target', 'both');
/** 32 users: the connection count of VERIFIED.md's ~29,000 req/s autocannon figure. */
const USERS = numArg('users', 32);
/** The issue's memory bound for a 30-minute session. */
const RSS_TARGET_MB = 500;
const SESSION_30_MIN_S = 1800;
/** RSS before this is start-up (modules, the worker, the first histograms), not growth. */
const SLOPE_SKIP_S = 10;


/** Resident set of another process, MB (the embedded server), from /proc. */
function rssOfMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

function childPidsOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Least-squares slope of y over x. */
function slope(points: ReadonlyArray<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

interface RunResult {
  target: string;
  status: string;
  duration_s: number;
  requests: number;
  throughput_rps: number;
  errors: number;
  rows_by_table: Partial<Record<TableName, number>>;
  rows_stored: number;
  events_per_s: number;
  trace_complete: boolean;
  writer_drops: number;
  peak_rss_mb: number;
  rss_slope_mb_per_min: number;
  rss_30min_mb: number;
  peak_heap_mb: number;
  target_peak_rss_mb: number | null;
  /** The store file (and its WAL) after the session: disk per session length. */
  store_mb: number;
}

function fileMb(path: string): number {
  return existsSync(path) ? statSync(path).size / 2 ** 20 : 0;
}

async function runOne(name: string, dbPath: string, opts: RecordOptions): Promise<RunResult> {
  const r = await record(name, dbPath, opts);
  r.store_mb = fileMb(dbPath) + fileMb(`${dbPath}-wal`);
  return r;
}

async function record(name: string, dbPath: string, opts: RecordOptions): Promise<RunResult> {
  const store = openStore(dbPath);
  let drops = 0;
  const warnings: string[] = [];
  const samples: Array<[number, number]> = [];
  let peakRss = 0;
  let peakHeap = 0;
  let targetPeak: number | null = null;
  const t0 = Date.now();
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    const rssMb = m.rss / 2 ** 20;
    samples.push([(Date.now() - t0) / 1000, rssMb]);
    peakRss = Math.max(peakRss, rssMb);
    peakHeap = Math.max(peakHeap, m.heapUsed / 2 ** 20);
    // The recorder's children: the embedded server (and its database process under it).
    for (const pid of childPidsOf(process.pid)) {
      const r = rssOfMb(pid);
      if (r !== null) targetPeak = Math.max(targetPeak ?? 0, r);
    }
  }, 1000);
  try {
    const rec = await startRecording(store, opts, {
      onLog: (level, message) => {
        const m = /^(\d+) rows could not be written/.exec(message);
        if (m) drops += Number(m[1]);
        if (/store write failed/.test(message)) drops += Number(/batch of (\d+) rows/.exec(message)?.[1] ?? 1);
        if (level !== 'info') warnings.push(message);
      },
      onProgress: (p) => {
        if (Math.floor(p.elapsed_s) % 10 === 0 && p.phase !== 'starting') {
          const rss = (process.memoryUsage().rss / 2 ** 20).toFixed(0);
          process.stdout.write(`  ${name}: ${Math.floor(p.elapsed_s)} s  ${p.rps.toFixed(0)} req/s  p95 ${p.p95_ms.toFixed(1)} ms  rss ${rss} MB\n`);
        }
      },
    });
    const result = await rec.done;
    const rows = store.countRows(rec.sessionId);
    const report = buildSessionReport(store, rec.sessionId);
    const durationS = report.session.duration_s;
    const stored = Object.values(rows).reduce((a, b) => a + b, 0);
    const growth = samples.filter(([t]) => t >= SLOPE_SKIP_S);
    const perS = slope(growth);
    const last = samples.at(-1)?.[1] ?? 0;
    for (const w of warnings) process.stdout.write(`  ${name}: warning: ${w}\n`);
    return {
      target: name,
      status: result.status,
      duration_s: durationS,
      requests: report.summary.requests,
      throughput_rps: report.summary.throughput_rps,
      errors: report.summary.errors,
      rows_by_table: Object.fromEntries(Object.entries(rows).filter(([, n]) => n > 0)),
      rows_stored: stored,
      events_per_s: stored / Math.max(0.001, durationS),
      trace_complete: rows.request_trace === report.summary.requests,
      writer_drops: drops,
      peak_rss_mb: peakRss,
      rss_slope_mb_per_min: perS * 60,
      rss_30min_mb: last + Math.max(0, perS) * Math.max(0, SESSION_30_MIN_S - durationS),
      peak_heap_mb: peakHeap,
      target_peak_rss_mb: targetPeak,
      store_mb: 0,
    };
  } finally {
    clearInterval(timer);
    store.close();
  }
}

function print(r: RunResult): void {
  const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  process.stdout.write(
    [
      `${r.target}: ${r.status}, ${f(r.duration_s, 1)} s, ${f(r.requests)} requests (${f(r.throughput_rps)} req/s, ${r.errors} errors)`,
      `  ingested: ${f(r.rows_stored)} rows = ${f(r.events_per_s)} rows/s  [${Object.entries(r.rows_by_table).map(([t, n]) => `${t} ${f(n)}`).join(', ')}]`,
      `  trace complete (one row per request): ${r.trace_complete ? 'yes' : 'NO'}   writer drops: ${r.writer_drops} (target 0)`,
      `  recorder RSS: peak ${f(r.peak_rss_mb)} MB, slope ${f(r.rss_slope_mb_per_min, 2)} MB/min -> ${f(r.rss_30min_mb)} MB at 30 min (target < ${RSS_TARGET_MB} MB); heap peak ${f(r.peak_heap_mb)} MB`,
      r.target_peak_rss_mb === null ? '' : `  target process RSS peak: ${f(r.target_peak_rss_mb)} MB`,
      `  store on disk: ${f(r.store_mb)} MB (${f((r.store_mb / Math.max(1, r.requests)) * 1e6)} MB per million requests)`,
    ]
      .filter(Boolean)
      .join('\n') + '\n',
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sw-bench-recorder-'));
  const results: RunResult[] = [];
  try {
    if (TARGETS === 'both' || TARGETS === 'trivial') {
      const t = await startTrivialEndpoint();
      try {
        process.stdout.write(`trivial target ${t.url}, ${USERS} users, ${DURATION_S} s\n`);
        const r = await runOne('trivial', join(dir, 'trivial.db'), {
          name: 'bench trivial',
          target: { kind: 'external', targetUrl: t.url },
          load: { users: USERS, durationS: DURATION_S },
        });
        print(r);
        results.push(r);
      } finally {
        t.child.kill('SIGKILL');
      }
    }
    if (TARGETS === 'both' || TARGETS === 'embedded') {
      process.stdout.write(`embedded SARK server (optimized), ${USERS} users, ${DURATION_S} s\n`);
      const r = await runOne('embedded', join(dir, 'embedded.db'), {
        name: 'bench embedded',
        target: { kind: 'embedded', profile: 'optimized' },
        load: { users: USERS, durationS: DURATION_S },
        embedded: { sizes: { users: 300, teams: 30, tools: 120, servers: 10, auditRows: 20000 } },
      });
      print(r);
      results.push(r);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const ok = results.every((r) => r.writer_drops === 0 && r.trace_complete && r.rss_30min_mb < RSS_TARGET_MB);
  process.stdout.write(`${JSON.stringify({ bench: 'recorder', duration_s: DURATION_S, users: USERS, targets_met: ok, results })}\n`);
}

await main();
