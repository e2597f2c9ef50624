import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { WorkbenchError } from '../common/errors.js';
import { redactText } from '../common/redact.js';
import type { ProfilingSnapshot } from '../profiling/snapshot-types.js';
import { forkSarkChild, isSarkChildMessage, type SarkReadyMessage, type SarkServerOptions } from '../sark/index.js';

/**
 * The embedded SARK server as the recorder runs it: a child process (so the load generator and
 * the recorder never share its event loop), streaming profiling snapshots over IPC.
 */

/** First start seeds the embedded database (< 15 s on a quiet machine); allow for a loaded one. */
const READY_TIMEOUT_MS = 180_000;
/** After `stop`, the child drains requests and sends its final snapshot. */
const STOP_TIMEOUT_MS = 30_000;

export interface EmbeddedTarget {
  ready: SarkReadyMessage;
  url: string;
  onSnapshot(listener: (s: ProfilingSnapshot) => void): void;
  /** Resolves when the child exits for any reason (a crash mid-run included). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; error: string | null }>;
  /**
   * Stops serving and returns the final snapshot, leaving the process (and its database) up for
   * read-only analysis until stop(); null if it died first.
   */
  drain(): Promise<ProfilingSnapshot | null>;
  /** Stops the server and returns its final snapshot (null if it died first or was drained). */
  stop(): Promise<ProfilingSnapshot | null>;
  kill(): void;
}

export async function startEmbeddedTarget(options: Omit<SarkServerOptions, 'log'>, log: (line: string) => void): Promise<EmbeddedTarget> {
  // Its own process group: a terminal's Ctrl-C goes to the whole foreground group, and the
  // server must not stop (answering 503 to requests in flight, losing its final snapshot) before
  // the recorder has cancelled the load and drained it. It still stops when we go away (IPC
  // disconnect), so a killed recorder leaves no server behind.
  const child: ChildProcess = forkSarkChild(options, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], detached: true });
  let lastError: string | null = null;
  const snapshotListeners: Array<(s: ProfilingSnapshot) => void> = [];
  let finalResolve: ((s: ProfilingSnapshot | null) => void) | null = null;

  if (child.stderr) {
    createInterface({ input: child.stderr }).on('line', (line) => log(redactText(line.replace(/^\[sark\]\s*/, ''))));
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error: string | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      finalResolve?.(null);
      resolve({ code, signal, error: lastError });
    });
  });

  const ready = await new Promise<SarkReadyMessage>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new WorkbenchError(`the embedded server did not start within ${READY_TIMEOUT_MS / 1000} s`));
    }, READY_TIMEOUT_MS);
    child.on('message', (msg: unknown) => {
      if (!isSarkChildMessage(msg)) return;
      switch (msg.type) {
        case 'ready':
          clearTimeout(timer);
          resolve(msg);
          break;
        case 'error':
          lastError = msg.message;
          clearTimeout(timer);
          reject(new WorkbenchError(`embedded server: ${msg.message}`, msg.exitCode));
          break;
        case 'snapshot':
          for (const l of snapshotListeners) l(msg.snapshot);
          break;
        case 'final':
          for (const l of snapshotListeners) l(msg.snapshot);
          finalResolve?.(msg.snapshot);
          break;
      }
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new WorkbenchError(`cannot start the embedded server: ${err.message}`));
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new WorkbenchError(lastError ? `embedded server: ${lastError}` : `the embedded server exited during startup (${signal ?? `exit code ${String(code)}`})`));
    });
  });

  return {
    ready,
    url: ready.url,
    exited,
    onSnapshot(listener) {
      snapshotListeners.push(listener);
    },
    drain() {
      return request('drain');
    },
    stop() {
      return request('stop');
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };

  function request(type: 'drain' | 'stop'): Promise<ProfilingSnapshot | null> {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(null);
      return new Promise<ProfilingSnapshot | null>((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve(null);
        }, STOP_TIMEOUT_MS);
        finalResolve = (s) => {
          clearTimeout(timer);
          finalResolve = null;
          resolve(s);
        };
        try {
          child.send({ type });
        } catch {
          clearTimeout(timer);
          resolve(null);
        }
      });
  }
}
