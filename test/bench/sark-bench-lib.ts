/**
 * Shared pieces of the embedded-server benchmarks (sark-throughput.ts): a throwaway Redis, the
 * seed's traffic mix as autocannon requests, and the server as a child process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Socket, createServer } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { forkSarkChild as forkFromSource, isSarkChildMessage, type SarkReadyMessage, type SarkServerOptions } from '../../core/sark/index.js';

/**
 * The server measured is the built one (dist/, what `npx sark-workbench serve` runs), not the
 * TypeScript source under tsx: tsx's transform wraps every function in a `__name` helper that
 * costs the server measurable CPU. Without a build, the source is used, with a warning.
 */
const DIST_CHILD_RUNNER = fileURLToPath(new URL('../../dist/core/sark/child-runner.js', import.meta.url));
let forkSarkChild: typeof forkFromSource | undefined;
async function forker(): Promise<typeof forkFromSource> {
  if (forkSarkChild !== undefined) return forkSarkChild;
  if (existsSync(DIST_CHILD_RUNNER)) {
    forkSarkChild = ((await import(pathToFileURL(DIST_CHILD_RUNNER).href)) as { forkSarkChild: typeof forkFromSource }).forkSarkChild;
  } else {
    process.stderr.write('warning: no build in dist/ (run npm run build); measuring the TypeScript source under tsx\n');
    forkSarkChild = forkFromSource;
  }
  return forkSarkChild;
}

export interface AutocannonRequest {
  method?: string;
  path?: string;
  body?: string;
  headers?: Record<string, string>;
  setupRequest?: (req: AutocannonRequest) => AutocannonRequest;
}
export interface AutocannonResult {
  requests: { total: number; average: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
}
export interface AutocannonInstance extends Promise<AutocannonResult> {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, responseTimeMs: number) => void): void;
}
type Autocannon = (opts: Record<string, unknown>) => AutocannonInstance;
export const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** The fixtures' seeded PRNG (mulberry32), so both profiles see the same request sequence shape. */
export { prng } from '../fixtures/report.js';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0));
    });
  });
}

export async function startRedis(): Promise<{ url: string; proc: ChildProcess }> {
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = new Socket();
      sock.once('error', () => resolve(false));
      sock.connect(port, '127.0.0.1', () => {
        sock.destroy();
        resolve(true);
      });
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `redis://127.0.0.1:${port}/0`, proc };
}

export interface BenchServices {
  /** A database of the run's own on the real Postgres (dropped afterwards). */
  pgUrl: string;
  /** A throwaway redis-server (killed afterwards). */
  redisUrl: string;
}

/** Runs fn with a fresh Postgres database and a throwaway Redis, removing both afterwards. */
export async function withBenchServices<T>(prefix: string, fn: (s: BenchServices) => Promise<T>): Promise<T> {
  const adminUrl = process.env.SARK_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const dbName = `sw_${prefix}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const redis = await startRedis();
  try {
    return await fn({ pgUrl: Object.assign(new URL(adminUrl), { pathname: `/${dbName}` }).toString(), redisUrl: redis.url });
  } finally {
    redis.proc.kill('SIGKILL');
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

export type Kind = 'cached' | 'unique' | 'critical' | 'server' | 'analytics';

export function mixRequest(ready: SarkReadyMessage, rnd: () => number, counts: Record<Kind, number>, hitsOnly: boolean): AutocannonRequest {
  const d = ready.dataset;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const r = hitsOnly ? 0 : rnd();
  const post = (body: unknown): AutocannonRequest => ({
    method: 'POST',
    path: '/api/v1/policy/evaluate',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (r < 0.5) {
    counts.cached++;
    return post(pick(d.hotPairs));
  }
  if (r < 0.8) {
    counts.unique++;
    return post({
      user_id: `user-${1 + Math.floor(rnd() * d.counts.users)}`,
      tool_id: `tool-${1 + Math.floor(rnd() * d.counts.tools)}`,
      action: pick(d.actions.tool),
    });
  }
  if (r < 0.95) {
    counts.critical++;
    return post(pick(d.criticalPairs));
  }
  if (r < 0.995) {
    counts.server++;
    return post({ user_id: `user-${1 + Math.floor(rnd() * d.counts.users)}`, server_id: `server-${1 + Math.floor(rnd() * d.counts.servers)}`, action: 'connect' });
  }
  counts.analytics++;
  return { method: 'GET', path: `/api/v1/audit/analytics?from=${d.analyticsWindow.from}&to=${d.analyticsWindow.to}`, headers: {}, body: undefined };
}

/** The same Redis server's database `n` (servers side by side each get a database of their own). */
export function redisDb(redisUrl: string, n: number): string {
  return redisUrl.replace(/\/\d+$/, '') + `/${n}`;
}

/** Resolves with a forked server's ready message; rejects on its error message or early exit. */
export function whenReady(child: ChildProcess): Promise<SarkReadyMessage> {
  return new Promise<SarkReadyMessage>((resolve, reject) => {
    child.on('message', (m: unknown) => {
      if (!isSarkChildMessage(m)) return;
      if (m.type === 'ready') resolve(m);
      if (m.type === 'error') reject(new Error(m.message));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${String(code)}`)));
  });
}

export async function startChild(options: Omit<SarkServerOptions, 'log'>): Promise<{ child: ChildProcess; ready: SarkReadyMessage }> {
  const child = (await forker())(options, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return { child, ready: await whenReady(child) };
}

export async function stopChild(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.send({ type: 'stop' });
  await exited;
}

/**
 * The same server with profiling and without, both running, each on a Redis database of its own
 * (with one shared cache, whichever ran second got the first one's decisions as hits). The data
 * set is seeded (or found) by a third start that is not measured: a server that seeded 2M audit
 * rows runs differently afterwards (its heap and JIT state carry the seeding), which showed as a
 * systematic difference in A/A runs. `seeded`: an earlier pair of this run already seeded it,
 * so the third start is skipped. Stop both with stopChild.
 */
export async function startProfiledPair(
  options: Omit<SarkServerOptions, 'log' | 'redisUrl' | 'profiling'>,
  redisUrl: string,
  seeded = false,
): Promise<{ on: Awaited<ReturnType<typeof startChild>>; off: Awaited<ReturnType<typeof startChild>> }> {
  const db = (n: number) => redisDb(redisUrl, n);
  if (!seeded) {
    const seeder = await startChild({ ...options, redisUrl: db(3), profiling: false });
    await stopChild(seeder.child);
  }
  const on = await startChild({ ...options, redisUrl: db(1) });
  try {
    return { on, off: await startChild({ ...options, redisUrl: db(2), profiling: false }) };
  } catch (err) {
    await stopChild(on.child);
    throw err;
  }
}

/** CPU time (ns) spent so far by every thread of process `pid`, or null where /proc has no schedstat. */
export function processCpuNs(pid: number): number | null {
  try {
    let ns = 0;
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // a thread that ended meanwhile
      }
    }
    return ns;
  } catch {
    return null;
  }
}
