import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { WorkbenchError, errorMessage } from '../../common/errors.js';
import { userDataDir } from '../../common/paths.js';
import { forkArgsFor, siblingModuleUrl } from '../module-url.js';
import type { EmbeddedPgMessage } from './embedded-pg-process.js';

/**
 * The embedded Postgres: PGlite in a child process, with a persistent data dir per data set
 * (`<userDataDir>/embedded-pg/<dataset key>`) so the next start reuses the seeded data.
 *
 * PGlite must never open a data dir that another live process has open (two writers corrupt
 * it), so the dir is locked with a pid file beside it. If the lock is held by a live process,
 * this start uses a temporary dir (seeded from scratch, removed on close) and warns.
 */

/** First start runs initdb (~5 s here); allow for a loaded machine. */
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

export interface EmbeddedPostgres {
  url: string;
  port: number;
  dataDir: string;
  /** True when the persistent dir was locked and a throwaway dir is used instead. */
  temporary: boolean;
  /** True when a new database was unpacked from the packaged template rather than initdb'd. */
  fromTemplate: boolean;
  close(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  datasetKey: string;
  /** Overrides the persistent dir (tests). */
  dataDir?: string;
  maxConnections: number;
  warn: (message: string) => void;
}

export function defaultEmbeddedDataDir(datasetKey: string): string {
  return join(userDataDir(), 'embedded-pg', datasetKey);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Lock files this process holds (a second server in the same process must not share the dir either). */
const heldLocks = new Set<string>();

/** Takes `<dir>.lock` for this process; false if a live process (or this one) holds it. */
export function acquireDirLock(lockFile: string): boolean {
  if (heldLocks.has(lockFile)) return false;
  mkdirSync(dirname(lockFile), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      heldLocks.add(lockFile);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder = NaN;
      try {
        holder = Number(readFileSync(lockFile, 'utf8').trim());
      } catch {
        // vanished between the two calls: retry
      }
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && pidAlive(holder)) return false;
      // Stale lock (its process is gone, e.g. killed): take it over.
      try {
        unlinkSync(lockFile);
      } catch {
        // someone else removed it first
      }
    }
  }
  return false;
}

export function releaseDirLock(lockFile: string): void {
  heldLocks.delete(lockFile);
  try {
    if (readFileSync(lockFile, 'utf8').trim() === String(process.pid)) unlinkSync(lockFile);
  } catch {
    // already gone
  }
}

function spawnPglite(dataDir: string, maxConnections: number): Promise<{ child: ChildProcess; port: number; fromTemplate: boolean }> {
  const { modulePath, execArgv } = forkArgsFor(siblingModuleUrl(import.meta.url, 'embedded-pg-process'));
  const child = fork(modulePath, [dataDir, String(maxConnections)], { execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 4000) stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new WorkbenchError(`embedded Postgres did not start within ${START_TIMEOUT_MS / 1000} s`));
    }, START_TIMEOUT_MS);
    const fail = (message: string): void => {
      clearTimeout(timer);
      reject(new WorkbenchError(`embedded Postgres failed to start: ${message}`));
    };
    child.on('message', (msg: EmbeddedPgMessage) => {
      if (msg.type === 'listening') {
        clearTimeout(timer);
        resolve({ child, port: msg.port, fromTemplate: msg.fromTemplate });
      } else if (msg.type === 'error') fail(msg.message);
    });
    child.once('error', (err) => fail(errorMessage(err)));
    child.once('exit', (code) => fail(`exited with code ${String(code)}${stderr ? `: ${stderr.trim().split('\n').pop() ?? ''}` : ''}`));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (child.connected) child.send({ type: 'stop' });
    else child.kill('SIGTERM');
  });
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const persistentDir = options.dataDir ?? defaultEmbeddedDataDir(options.datasetKey);
  const lockFile = `${persistentDir}.lock`;
  let dataDir = persistentDir;
  let temporary = false;
  if (!acquireDirLock(lockFile)) {
    temporary = true;
    dataDir = mkdtempSync(join(tmpdir(), 'sark-embedded-pg-'));
    options.warn(`embedded Postgres data dir ${persistentDir} is in use by another process; using a temporary one (seeding from scratch)`);
  }
  const cleanup = (): void => {
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
    else releaseDirLock(lockFile);
  };
  let started: { child: ChildProcess; port: number; fromTemplate: boolean };
  try {
    mkdirSync(dataDir, { recursive: true });
    try {
      started = await spawnPglite(dataDir, options.maxConnections);
    } catch (err) {
      if (temporary) throw err;
      // A data dir left damaged (e.g. by a crash during initdb) is only a cache: start afresh.
      options.warn(`embedded Postgres could not open ${dataDir} (${errorMessage(err)}); recreating it`);
      rmSync(dataDir, { recursive: true, force: true });
      mkdirSync(dataDir, { recursive: true });
      started = await spawnPglite(dataDir, options.maxConnections);
    }
  } catch (err) {
    cleanup();
    throw err;
  }
  const { child, port, fromTemplate } = started;
  let closed: Promise<void> | undefined;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    temporary,
    fromTemplate,
    close() {
      closed ??= stopChild(child).finally(cleanup);
      return closed;
    },
  };
}
