import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { UtilityProcess } from 'electron';
import { WorkbenchError } from '../core/common/errors.js';
import { redactText } from '../core/common/redact.js';
import { parseBackendLine, type BackendAddress } from './backend-launch.js';

/**
 * The running backend, whichever way it was started (a system-node child in development, an
 * Electron utility process when packaged). Imports Electron's types only, so the real spawn
 * path is tested with plain Node (test/integration/main).
 */

/**
 * Opening the store, running migrations and loading the API takes about a second; a cold start
 * from a packaged asar on a loaded 2-core machine can take many times that. Past this, something
 * is wrong and the user should hear about it rather than stare at nothing.
 */
export const BACKEND_START_TIMEOUT_MS = 30_000;

/** After SIGTERM the backend closes its WebSocket clients and the SQLite store; then it is killed. */
export const BACKEND_STOP_GRACE_MS = 5_000;

/** How long to wait for the rest of stderr after the process is gone: pipes drain in milliseconds. */
const STDERR_FLUSH_MS = 1_000;

/** Enough of stderr for the last few lines of a stack or an `error:` line, bounded. */
const STDERR_TAIL_BYTES = 16 * 1024;

export interface BackendProcess {
  readonly stdout: NodeJS.ReadableStream;
  readonly stderr: NodeJS.ReadableStream;
  /**
   * Called once, with the exit code (null when killed by a signal), or with the reason it could
   * not be started at all (e.g. `spawn node ENOENT`).
   */
  onExit(listener: (code: number | null, spawnError?: string) => void): void;
  /** Ask it to stop (SIGTERM on POSIX): `ui` then closes its store and exits. */
  terminate(): void;
  /** Stop it now. */
  forceKill(): void;
}

export function fromChildProcess(child: ChildProcess): BackendProcess {
  if (!child.stdout || !child.stderr) throw new WorkbenchError('the backend was spawned without piped stdout/stderr');
  return {
    stdout: child.stdout,
    stderr: child.stderr,
    onExit: (listener) => {
      if (child.exitCode !== null || child.signalCode !== null) return listener(child.exitCode);
      let called = false;
      const once = (code: number | null, spawnError?: string) => {
        if (!called) listener(code, spawnError);
        called = true;
      };
      // 'exit', not 'close': with an IPC channel 'close' may never come; stderr's tail is
      // awaited separately (waitForBackend).
      child.once('exit', (code) => once(code));
      // A failed spawn emits 'error' and maybe no 'exit' (Node docs, ChildProcess 'exit').
      child.once('error', (err) => once(null, err.message));
    },
    // Closing the IPC channel is `ui`'s cue to close its store and exit (core/cli/commands/ui.ts
    // listens for 'disconnect'). SIGTERM alone leaves it alive: the open channel keeps its event
    // loop running after the store is closed.
    terminate: () => void (child.connected ? child.disconnect() : child.kill('SIGTERM')),
    forceKill: () => void child.kill('SIGKILL'),
  };
}

export function fromUtilityProcess(proc: UtilityProcess): BackendProcess {
  if (!proc.stdout || !proc.stderr) throw new WorkbenchError("the backend was forked without stdio: 'pipe'");
  let exited = false;
  proc.once('exit', () => (exited = true));
  return {
    stdout: proc.stdout,
    stderr: proc.stderr,
    onExit: (listener) => void proc.once('exit', (code) => listener(code)),
    // UtilityProcess.kill() sends SIGTERM on POSIX and reaps the process; there is no SIGKILL.
    terminate: () => void (exited || proc.kill()),
    forceKill: () => void (exited || proc.kill()),
  };
}

/** Development runs the system node; the usual reason it cannot be spawned is that it is not on PATH. */
const SPAWN_HINT = ' (in development the backend runs on `node` from PATH, or $SARK_WORKBENCH_NODE)';

/** The last bytes of a stream, so an error dialog can quote what the backend said last. */
export class OutputTail {
  private text = '';
  constructor(private readonly maxChars = STDERR_TAIL_BYTES) {}

  push(chunk: string): void {
    this.text = (this.text + chunk).slice(-this.maxChars);
  }

  /** The last non-empty line, secrets redacted (it is shown in a dialog). */
  lastLine(): string {
    const lines = this.text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
    return redactText(lines.at(-1) ?? '');
  }
}

export interface RunningBackend {
  readonly address: BackendAddress;
  /** Called when the backend exits without stop() having been called. */
  onUnexpectedExit(listener: (message: string) => void): void;
  stop(graceMs?: number): Promise<void>;
}

export interface WaitOptions {
  timeoutMs?: number;
  /** Where the backend's stderr goes as well (development: the terminal that ran `npm start`). */
  forwardStderr?: (chunk: string) => void;
}

function describeExit(code: number | null, tail: OutputTail, spawnError?: string): string {
  if (spawnError !== undefined) return `the backend could not be started: ${redactText(spawnError)}${SPAWN_HINT}`;
  const how = code === null ? 'was killed' : `exited with code ${code}`;
  const said = tail.lastLine();
  return said ? `the backend ${how}: ${said}` : `the backend ${how} without saying why`;
}

/**
 * Waits for the backend's first stdout line (its URL and token). Rejects with a one-line
 * WorkbenchError quoting stderr's last line if it exits first, prints something else, or stays
 * silent past the timeout (then it is killed).
 */
export function waitForBackend(proc: BackendProcess, opts: WaitOptions = {}): Promise<RunningBackend> {
  const timeoutMs = opts.timeoutMs ?? BACKEND_START_TIMEOUT_MS;
  const tail = new OutputTail();
  let exitCode: number | null | undefined;
  let stopping = false;
  const exitListeners: Array<(code: number | null, spawnError?: string) => void> = [];
  proc.onExit((code, spawnError) => {
    exitCode = code;
    for (const l of exitListeners.splice(0)) l(code, spawnError);
  });
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (chunk: string) => {
    tail.push(chunk);
    opts.forwardStderr?.(chunk);
  });

  let stderrEnded = false;
  const markEnded = () => (stderrEnded = true);
  proc.stderr.once('end', markEnded);
  proc.stderr.once('close', markEnded);
  /** Once the process is gone: resolves when stderr has ended, or after STDERR_FLUSH_MS (a grandchild may hold it open). */
  const stderrDrained = (): Promise<void> =>
    new Promise<void>((resolve) => {
      if (stderrEnded) return resolve();
      const timer = setTimeout(resolve, STDERR_FLUSH_MS);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      proc.stderr.once('end', done);
      proc.stderr.once('close', done);
    });

  const exited = (): Promise<void> =>
    exitCode !== undefined ? Promise.resolve() : new Promise((resolve) => exitListeners.push(() => resolve()));

  return new Promise<RunningBackend>((resolve, reject) => {
    let settled = false;
    const lines = createInterface({ input: proc.stdout, crlfDelay: Infinity });
    const fail = (err: WorkbenchError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      lines.close();
      proc.stdout.resume(); // keep draining so the child never blocks on a full pipe
      stopping = true;
      proc.forceKill();
      reject(err);
    };
    const timer = setTimeout(() => fail(new WorkbenchError(`the backend did not start within ${timeoutMs / 1000} s${tail.lastLine() ? `: ${tail.lastLine()}` : ''}`)), timeoutMs);

    exitListeners.push((code, spawnError) => {
      // A utility process's stderr may still hold the last line when 'exit' fires.
      void stderrDrained().then(() => fail(new WorkbenchError(describeExit(code, tail, spawnError))));
    });

    lines.once('line', (line) => {
      if (settled) return;
      let address: BackendAddress;
      try {
        address = parseBackendLine(line);
      } catch (err) {
        fail(err instanceof WorkbenchError ? err : new WorkbenchError(String(err)));
        return;
      }
      settled = true;
      clearTimeout(timer);
      lines.close();
      proc.stdout.resume();
      const unexpected: Array<(message: string) => void> = [];
      exitListeners.push((code, spawnError) => {
        if (!stopping) void stderrDrained().then(() => unexpected.forEach((l) => l(describeExit(code, tail, spawnError))));
      });
      resolve({
        address,
        onUnexpectedExit: (listener) => void unexpected.push(listener),
        async stop(graceMs = BACKEND_STOP_GRACE_MS) {
          stopping = true;
          if (exitCode !== undefined) return;
          proc.terminate();
          const killer = setTimeout(() => proc.forceKill(), graceMs);
          await exited();
          clearTimeout(killer);
        },
      });
    });
  });
}
