import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';
import { WorkbenchError, errorMessage } from '../common/errors.js';
import { redactText } from '../common/redact.js';
import {
  HISTOGRAMS_EVERY_N_SNAPSHOTS,
  SARK_OPTIONS_ENV,
  SNAPSHOT_INTERVAL_MS,
  type SarkChildMessage,
  type SarkParentMessage,
} from './ipc-types.js';
import { forkArgsFor, siblingModuleUrl } from './module-url.js';
import { parseSarkServerOptions, type SarkServerOptions } from './options.js';
import { startSarkServer, type RunningSarkServer } from './server.js';

/** The child entry module (child.ts from sources, child.js from dist). */
export function sarkChildModuleUrl(): URL {
  return siblingModuleUrl(import.meta.url, 'child');
}

/**
 * Forks the embedded server as a child process (what the recorder does). Listen for
 * SarkChildMessage on the returned ChildProcess; send {type:'stop'} to end it.
 */
export function forkSarkChild(options: Omit<SarkServerOptions, 'log'>, forkOptions: Omit<ForkOptions, 'execArgv'> = {}): ChildProcess {
  const { modulePath, execArgv } = forkArgsFor(sarkChildModuleUrl());
  return fork(modulePath, [], {
    ...forkOptions,
    execArgv,
    env: { ...(forkOptions.env ?? process.env), [SARK_OPTIONS_ENV]: JSON.stringify(options) },
  });
}

function send(msg: SarkChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) {
      resolve();
      return;
    }
    process.send(msg, () => resolve());
  });
}

function readOptions(argv: readonly string[], env: NodeJS.ProcessEnv): SarkServerOptions {
  const raw = env[SARK_OPTIONS_ENV] ?? argv[0] ?? '{}';
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new WorkbenchError(`${SARK_OPTIONS_ENV} is not valid JSON: ${errorMessage(err)}`, 2);
  }
  return parseSarkServerOptions(json);
}

/**
 * Runs the embedded server as a forked child: reads its options, starts it, streams snapshots,
 * and stops cleanly on {type:'stop'}, SIGTERM/SIGINT, or when the parent goes away.
 */
export async function runSarkChild(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let server: RunningSarkServer | null = null;
  try {
    const options = readOptions(argv, env);
    server = await startSarkServer({ ...options, log: (line) => process.stderr.write(`[sark] ${redactText(line)}\n`) });
  } catch (err) {
    const exitCode = err instanceof WorkbenchError ? err.exitCode : 1;
    await send({ type: 'error', message: redactText(errorMessage(err)), exitCode });
    process.exit(exitCode);
  }
  const running = server;
  await send({
    type: 'ready',
    url: running.url,
    port: running.port,
    pid: process.pid,
    profile: running.profile,
    knobs: running.knobs,
    dataset: running.dataset,
    storage: {
      kind: running.storage.kind,
      seeded: running.storage.seeded,
      seedMs: running.storage.seedMs,
      temporaryDataDir: running.storage.temporaryDataDir,
      analyticsIndex: running.storage.analyticsIndex,
      embeddedUrl: running.storage.embeddedUrl,
    },
    cache: running.cache,
    profiling: running.profiling,
    prewarmed: running.prewarmed,
    startupMs: running.startupMs,
  });
  let count = 0;
  // The periodic snapshot being taken (its histograms are encoded over several turns): the final
  // one waits for it, so it cannot arrive after the final and overwrite it with older figures.
  let live: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (live !== null) return;
    count++;
    live = running.instrumentation
      .snapshotSpread(count % HISTOGRAMS_EVERY_N_SNAPSHOTS === 0)
      .then((snapshot) => send({ type: 'snapshot', snapshot }))
      .catch((err: unknown) => {
        process.stderr.write(`[sark] snapshot failed: ${redactText(errorMessage(err))}\n`);
      })
      .finally(() => {
        live = null;
      });
  }, SNAPSHOT_INTERVAL_MS);
  let stopping = false;
  const stop = async (reportFinal: boolean): Promise<void> => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    await live;
    let exitCode = 0;
    try {
      // In-flight requests finish and buffered audit rows are written before the last snapshot.
      await running.quiesce();
      if (reportFinal) await send({ type: 'final', snapshot: running.instrumentation.snapshot(true) });
      await running.close();
    } catch (err) {
      exitCode = 1;
      await send({ type: 'error', message: redactText(errorMessage(err)), exitCode: 1 });
    }
    process.exit(exitCode);
  };
  let drained = false;
  const drain = async (): Promise<void> => {
    if (drained || stopping) return;
    drained = true;
    clearInterval(timer);
    await live;
    try {
      await running.quiesce();
      await send({ type: 'final', snapshot: running.instrumentation.snapshot(true) });
    } catch (err) {
      await send({ type: 'error', message: redactText(errorMessage(err)), exitCode: 1 });
    }
  };
  process.on('message', (msg: SarkParentMessage) => {
    if (msg?.type === 'stop') void stop(!drained);
    else if (msg?.type === 'drain') void drain();
  });
  process.on('disconnect', () => void stop(false));
  process.on('SIGTERM', () => void stop(true));
  process.on('SIGINT', () => void stop(true));
}
