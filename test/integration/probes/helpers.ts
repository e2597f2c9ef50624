import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';

/**
 * Test fixtures on real servers. Each test gets its own database on the shared Postgres
 * (sw_probes_<random>, dropped after) and its own throwaway redis-server / Postgres cluster
 * when it needs server-global statistics or settings: other engineers run tests on the shared
 * servers at the same time.
 */

export const SHARED_PG = 'postgres://postgres@127.0.0.1:5432';

export const randomSuffix = (): string => Math.random().toString(36).slice(2, 10);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface TestDatabase {
  name: string;
  url: string;
  /** A superuser connection to the test database (the "application"). */
  client: pg.Client;
  dbid: number;
  drop(): Promise<void>;
}

export async function createTestDatabase(withStatements: boolean): Promise<TestDatabase> {
  const name = `sw_probes_${randomSuffix()}`;
  const admin = new pg.Client(`${SHARED_PG}/postgres`);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = `${SHARED_PG}/${name}`;
  const client = new pg.Client({ connectionString: url, application_name: 'sw-probes-workload' });
  await client.connect();
  if (withStatements) await client.query('CREATE EXTENSION pg_stat_statements');
  const dbid = Number((await client.query<{ oid: string }>('SELECT oid::text FROM pg_database WHERE datname = current_database()')).rows[0]?.oid);
  return {
    name,
    url,
    client,
    dbid,
    async drop() {
      await client.end().catch(() => undefined);
      const a = new pg.Client(`${SHARED_PG}/postgres`);
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

/** Calls of one statement text in this database, straight from pg_stat_statements. */
export async function statementCalls(db: TestDatabase, queryText: string): Promise<number> {
  const r = await db.client.query<{ calls: string | null }>(
    'SELECT sum(calls)::text AS calls FROM pg_stat_statements WHERE dbid = $1 AND query = $2',
    [db.dbid, queryText],
  );
  return Number(r.rows[0]?.calls ?? 0);
}

/** Makes this backend publish its table statistics at its next transaction end (PostgreSQL 15+). */
export async function flushTableStats(client: pg.Client): Promise<void> {
  await client.query('SELECT pg_stat_force_next_flush()');
  await client.query('SELECT 1');
}

export interface ThrowawayRedis {
  url: string;
  port: number;
  client: Redis;
  stop(): Promise<void>;
}

export async function startRedis(extraArgs: string[] = []): Promise<ThrowawayRedis> {
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs], { stdio: 'ignore' });
  const password = extraArgs[extraArgs.indexOf('--requirepass') + 1];
  const url = extraArgs.includes('--requirepass') ? `redis://:${password}@127.0.0.1:${port}` : `redis://127.0.0.1:${port}`;
  let client: Redis;
  try {
    await waitForPort(port);
    client = new Redis(url, { maxRetriesPerRequest: 1 });
    await client.ping();
  } catch (err) {
    await kill(proc); // never leave a server behind
    throw err;
  }
  return {
    url,
    port,
    client,
    async stop() {
      client.disconnect();
      await kill(proc);
    },
  };
}

async function waitForPort(port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listening on port ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function kill(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill('SIGKILL');
  });
}

/** A TCP server that accepts connections and never answers: a hung or firewalled host. */
export async function startSilentServer(): Promise<{ port: number; stop(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

export interface ThrowawayPostgres {
  port: number;
  password: string;
  url(user: string, password: string, database?: string): string;
  stop(): void;
}

/** Folder with initdb and pg_ctl: pg_config's, else Debian's newest /usr/lib/postgresql/N/bin; null if none. */
export const pgBinDir = (): string | null => {
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    // pg_config comes with libpq-dev, which a server-only install lacks
  }
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(debian, v, 'bin')));
  }
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) ?? null;
};

/**
 * A private Postgres cluster under a temp dir, password auth (scram-sha-256) for every
 * connection and pg_stat_statements preloaded: for refused-password errors and for a global
 * pg_stat_statements_reset(), neither of which may touch the shared server. Postgres refuses
 * to run as root, so as root it runs as the postgres user.
 */
export async function startThrowawayPostgres(options: { preloadStatements?: boolean } = {}): Promise<ThrowawayPostgres> {
  const bin = pgBinDir();
  if (bin === null) throw new Error('pg_config not found');
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]): void => {
    const full = join(bin, cmd);
    if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', full, ...args], { stdio: 'pipe' });
    else execFileSync(full, args, { stdio: 'pipe' });
  };
  const dir = mkdtempSync(join(tmpdir(), 'sw-probes-pg-'));
  const password = `pw-${randomSuffix()}`;
  writeFileSync(join(dir, 'pw'), password);
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
    chownSync(join(dir, 'pw'), uid, gid);
  }
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${join(dir, 'pw')}`, '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const preload = options.preloadStatements === false ? '' : ' -c shared_preload_libraries=pg_stat_statements';
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off${preload}`;
  run('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  return {
    port,
    password,
    url: (user, pw, database = 'postgres') => `postgres://${user}:${encodeURIComponent(pw)}@127.0.0.1:${port}/${database}`,
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
