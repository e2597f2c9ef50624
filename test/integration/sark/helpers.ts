import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { datasetServer, datasetTool, datasetUser, entityIndex, type ResolvedDataset } from '../../../core/sark/dataset.js';
import type { PerformanceReport } from '../../../core/profiling/report-types.js';
import type { EvaluationRequest } from '../../../core/sark/decision-steps.js';

/** Shared services (ARCHITECTURE.md): trust auth on the `test` database, Redis on 6379. */
export const PG_ADMIN_URL = process.env.SARK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** The Redis DB number these tests may use on the shared server. */
export const SHARED_REDIS_URL = 'redis://127.0.0.1:6379/2';

/** Small data: fast to seed, still N+1-shaped (tools have 3-8 teams). */
export const SMALL_SIZES = { users: 300, teams: 30, tools: 120, servers: 10, auditRows: 5000 };

/** A reusable embedded data dir per data set, so repeated runs skip initdb (locked while in use). */
export function embeddedTestDir(key: string): string {
  return join(tmpdir(), 'sark-test-embedded', key);
}

export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `sw_sark_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function waitForRedis(port: number, up: boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    c.on('error', () => undefined);
    let ok: boolean;
    try {
      await c.connect();
      ok = (await c.ping()) === 'PONG';
    } catch {
      ok = false;
    } finally {
      c.disconnect();
    }
    if (ok === up) return;
    if (Date.now() > deadline) throw new Error(`redis on ${port} did not become ${up ? 'ready' : 'unreachable'}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A redis-server of our own (for tests that kill it or need a private keyspace). */
export async function startThrowawayRedis(): Promise<{ url: string; port: number; start(): Promise<void>; stop(): Promise<void> }> {
  const port = await freePort();
  let proc: ChildProcess | null = null;
  const start = async (): Promise<void> => {
    proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitForRedis(port, true);
  };
  const stop = async (): Promise<void> => {
    const p = proc;
    proc = null;
    if (p === null || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
    await waitForRedis(port, false);
  };
  await start();
  return { url: `redis://127.0.0.1:${port}/0`, port, start, stop };
}

/** The rules of resources/policies/sark.cedar, restated independently from the data set. */
export function expectedAllow(ds: ResolvedDataset, req: EvaluationRequest): boolean {
  const ui = entityIndex(req.user_id, 'user', ds.sizes.users);
  if (ui === undefined) return false;
  const user = datasetUser(ds, ui);
  if (!user.active) return false;
  let sensitivity: string;
  let teams: string[];
  if (req.tool_id !== undefined) {
    const ti = entityIndex(req.tool_id, 'tool', ds.sizes.tools);
    if (ti === undefined) return false;
    const tool = datasetTool(ds, ti);
    sensitivity = tool.sensitivity;
    teams = tool.teams;
  } else {
    const si = entityIndex(req.server_id ?? '', 'server', ds.sizes.servers);
    if (si === undefined) return false;
    const server = datasetServer(ds, si);
    sensitivity = server.sensitivity;
    teams = [server.ownerTeam];
  }
  const member = user.teams.some((t) => teams.includes(t));
  if (req.action === 'manage') return req.server_id !== undefined && user.role === 'admin' && member;
  if (!['invoke', 'read', 'list', 'connect'].includes(req.action)) return false;
  switch (sensitivity) {
    case 'public':
      return true;
    case 'internal':
      return member;
    case 'confidential':
      return member && (user.role === 'developer' || user.role === 'admin');
    default:
      return user.role === 'admin' && req.context?.mfa === true;
  }
}

export interface HttpResult<T = unknown> {
  status: number;
  body: T;
}

export async function postJson<T = Record<string, unknown>>(base: string, path: string, body: unknown): Promise<HttpResult<T>> {
  const r = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as T };
}

export async function getJson<T = Record<string, unknown>>(base: string, path: string): Promise<HttpResult<T>> {
  const r = await fetch(base + path);
  return { status: r.status, body: (await r.json()) as T };
}

export async function profilingReport(base: string): Promise<PerformanceReport> {
  const r = await getJson<PerformanceReport>(base, '/api/v1/admin/profiling/report');
  if (r.status !== 200) throw new Error(`report: ${r.status}`);
  return r.body;
}

export const NO_LOG = (): void => undefined;
