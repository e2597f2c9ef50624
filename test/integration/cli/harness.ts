import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { packageRoot } from '../../../core/common/paths.js';

/**
 * Runs the real `sark-workbench` command the way a user does: `node core/cli/bin.js ...` from
 * the repository root, on the compiled dist/ (rebuilt here when a core/ source is newer), with
 * SARK_WORKBENCH_HOME pointing at one shared test home so the embedded data set is seeded once
 * per size across runs.
 */

export const ROOT = packageRoot();
const BIN = join(ROOT, 'core', 'cli', 'bin.js');

/** One home for every CLI test: the embedded server's data set is seeded there once per size. */
export const TEST_HOME = join(tmpdir(), 'sark-workbench-test-home');
/** Small data set: seeds in a few seconds, still shows the N+1 and the slow analytics query. */
export const SMALL_DATASET = ['--dataset', 'users=300,teams=30,tools=120,servers=10,audit-rows=20000'];

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** A core/ source whose compiled file is missing or older than it, or null when dist is current. */
function staleSource(): string | null {
  const stale = (dir: string): string | null => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) {
        const s = stale(p);
        if (s) return s;
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const out = join(ROOT, 'dist', relative(ROOT, p)).replace(/\.ts$/, '.js');
        if (!existsSync(out) || statSync(out).mtimeMs < statSync(p).mtimeMs) return p;
      }
    }
    return null;
  };
  return stale(join(ROOT, 'core'));
}

/** Longest a test waits for another test file's build (tsc takes ~10 s cold on 2 busy cores). */
const BUILD_LOCK_WAIT_MS = 120_000;

/**
 * Compiles core/ to dist/ when a source is newer than its output (`npm test` builds first
 * anyway). Two test files starting together take turns through a lock file, so neither runs
 * the CLI on a half-written dist.
 */
export async function ensureBuilt(): Promise<void> {
  if (staleSource() === null) return;
  const lock = join(tmpdir(), 'sark-workbench-test-build.lock');
  const deadline = Date.now() + BUILD_LOCK_WAIT_MS;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch {
      // Someone else is building; a lock older than the wait is left over from a killed run.
      try {
        if (Date.now() - statSync(lock).mtimeMs > BUILD_LOCK_WAIT_MS) rmSync(lock, { force: true });
      } catch {
        // released between our two looks
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    if (staleSource() !== null) {
      // tsc emits even with type errors elsewhere in the tree (noEmitOnError is off), which is
      // what a test run wants while others edit their files; the exit code is not ours to judge.
      try {
        execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'pipe' });
      } catch {
        // reported by typecheck, not here
      }
    }
  } finally {
    try {
      unlinkSync(lock);
    } catch {
      // already gone
    }
  }
}

export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  mkdirSync(TEST_HOME, { recursive: true });
  // SARK_WORKBENCH_DB unset: every test passes --db, and a developer's own store is never touched.
  const { SARK_WORKBENCH_DB: _db, ...env } = process.env;
  return { ...env, SARK_WORKBENCH_HOME: TEST_HOME, ...extra };
}

/** A running CLI process with its output collected, and waits on what it prints. */
export class CliProcess {
  readonly proc: ChildProcess;
  private out = '';
  private err = '';
  private readonly started = Date.now();
  private readonly waiters: Array<() => void> = [];
  readonly exited: Promise<CliResult>;

  constructor(args: readonly string[], options: { env?: NodeJS.ProcessEnv; detached?: boolean } = {}) {
    this.proc = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: options.env ?? cliEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: options.detached ?? false,
    });
    const poke = () => {
      for (const w of this.waiters.splice(0)) w();
    };
    this.proc.stdout?.on('data', (d: Buffer) => {
      this.out += d.toString();
      poke();
    });
    this.proc.stderr?.on('data', (d: Buffer) => {
      this.err += d.toString();
      poke();
    });
    this.exited = new Promise((resolve) => {
      this.proc.once('close', (code, signal) => {
        poke();
        resolve({ code, signal, stdout: this.out, stderr: this.err, durationMs: Date.now() - this.started });
      });
    });
  }

  get pid(): number {
    return this.proc.pid as number;
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  /** Resolves with the match once stderr matches; rejects if the process exits first or time runs out. */
  async waitForStderr(pattern: RegExp, timeoutMs = 120_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    let done = false;
    void this.exited.then(() => (done = true));
    for (;;) {
      const m = pattern.exec(this.err);
      if (m) return m;
      if (done || this.proc.exitCode !== null || this.proc.signalCode !== null) {
        throw new Error(`the CLI exited before printing ${pattern}:\n${this.err}\n${this.out}`);
      }
      if (Date.now() > deadline) throw new Error(`the CLI did not print ${pattern} within ${timeoutMs} ms:\n${this.err}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 250);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Kills it if still running (test clean-up). */
  async kill(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
  }
}

/** Runs the CLI to completion. */
export function runCli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  const p = new CliProcess(args, options);
  const timeoutMs = options.timeoutMs ?? 180_000;
  const timer = setTimeout(() => p.proc.kill('SIGKILL'), timeoutMs);
  return p.exited.finally(() => clearTimeout(timer));
}

export interface ListedSession {
  id: string;
  name: string;
  status: string;
  target_kind: string;
  requests: number | null;
}

/** `sessions --json` of a store. */
export async function listSessions(db: string): Promise<ListedSession[]> {
  const r = await runCli(['sessions', '--json', '--db', db]);
  if (r.code !== 0) throw new Error(`sessions --json failed (${String(r.code)}): ${r.stderr}`);
  return JSON.parse(r.stdout) as ListedSession[];
}

/**
 * Whether a process is still running. A zombie (exited, not yet reaped: its parent was killed
 * and this container's init may never reap it) counts as gone, which kill(pid, 0) cannot tell.
 */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 3, after the parenthesised command name (which may itself contain spaces).
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Direct children of a process (from /proc), e.g. the embedded server the CLI forked. */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/** Every descendant of a process, children first. */
export function descendantPids(pid: number): number[] {
  const out: number[] = [];
  for (const c of childPids(pid)) out.push(c, ...descendantPids(c));
  return out;
}

/** Resolves true once none of the pids runs, false after timeoutMs. */
export async function waitUntilGone(pids: readonly number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pids.every((p) => !isRunning(p))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return pids.every((p) => !isRunning(p));
}
