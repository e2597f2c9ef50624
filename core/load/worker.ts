import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { UsageError, WorkbenchError } from '../common/errors.js';
import { parseLoadConfig, type LoadConfig, type LoadConfigInput } from './config.js';
import { LoadEventEmitter } from './emitter.js';
import type { ReplaySource } from './feed.js';
import type { LoadRun, LoadTotals, RecordedRequest } from './types.js';
import { REPLAY_CHUNK, type ToMain, type ToWorker, type WorkerInit } from './worker-protocol.js';

/**
 * startLoadWorker(): the LoadGenerator in a worker_threads Worker, with the same events. The
 * recorder writes SQLite on its main thread; with the generator on its own event loop, a store
 * flush delays the recorder, not the requests being timed.
 */

/**
 * 64 unacknowledged trace batches (64,000 requests, a few MB) may be in flight to the main
 * thread; beyond that the consumer is clearly behind and batches are dropped (and counted)
 * instead of piling up in the message queue.
 */
const DEFAULT_MAX_PENDING_TRACE_BATCHES = 64;

export interface LoadWorkerOptions {
  /** Replay a recorded trace; its rows are streamed to the worker in chunks as it needs them. */
  source?: ReplaySource;
  maxPendingTraceBatches?: number;
}

/** tsx's ESM API (its `import` export), resolved from this package so the cwd does not matter. */
function tsxEsmApiUrl(): string {
  const pkgJson = createRequire(import.meta.url).resolve('tsx/package.json');
  return pathToFileURL(join(dirname(pkgJson), 'dist', 'esm', 'api', 'index.mjs')).href;
}

/**
 * The worker module next to this file: load-worker.js from dist, as is. From the TypeScript
 * sources (tests, tsx, vitest) Node cannot load a .ts worker by itself, and on Node 20 an
 * `--import tsx` in the worker's execArgv is not applied to its entry module; so a two-line
 * bootstrap registers tsx's ESM hooks in the worker, then imports the .ts entry.
 */
function createWorker(workerData: WorkerInit): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./load-worker.js', import.meta.url), { workerData });
  const entry = new URL('./load-worker.ts', import.meta.url).href;
  const tsxApi = tsxEsmApiUrl();
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

class LoadWorkerRun extends LoadEventEmitter implements LoadRun {
  readonly done: Promise<LoadTotals>;
  private readonly worker: Worker;
  private finished = false;
  private replayIt: Iterator<RecordedRequest> | AsyncIterator<RecordedRequest> | null = null;

  constructor(config: LoadConfig, options: LoadWorkerOptions) {
    super();
    const init: WorkerInit = {
      config,
      replay: options.source ? { asFastAsPossible: options.source.asFastAsPossible } : null,
      maxPendingTraceBatches: options.maxPendingTraceBatches ?? DEFAULT_MAX_PENDING_TRACE_BATCHES,
    };
    if (options.source) {
      const r = options.source.requests;
      this.replayIt =
        Symbol.asyncIterator in r ? (r as AsyncIterable<RecordedRequest>)[Symbol.asyncIterator]() : (r as Iterable<RecordedRequest>)[Symbol.iterator]();
    }
    this.worker = createWorker(init);
    this.done = new Promise<LoadTotals>((resolve, reject) => {
      this.worker.on('message', (msg: ToMain) => {
        try {
          this.onMessage(msg, resolve, reject);
        } catch (err) {
          // A listener threw: the run cannot report faithfully any more.
          this.finish();
          reject(err);
        }
      });
      this.worker.on('error', (err) => {
        this.finish();
        reject(new WorkbenchError(`load worker failed: ${err.message}`, 1, { cause: err }));
      });
      this.worker.on('exit', (code) => {
        if (!this.finished) {
          this.finished = true;
          reject(new WorkbenchError(`load worker exited (code ${code}) before the run ended`));
        }
      });
    });
    this.done.catch(() => undefined);
  }

  stop(): Promise<LoadTotals> {
    if (!this.finished) this.send({ type: 'stop' });
    return this.done;
  }

  private onMessage(msg: ToMain, resolve: (t: LoadTotals) => void, reject: (e: unknown) => void): void {
    switch (msg.type) {
      case 'event':
        if (msg.event === 'trace') {
          // Acknowledge after the listeners ran (even if one threw), so the worker sees a slow consumer.
          try {
            this.emitEvent('trace', msg.payload);
          } finally {
            this.send({ type: 'trace-ack' });
          }
        } else if (msg.event === 'second') this.emitEvent('second', msg.payload);
        else this.emitEvent('phase', msg.payload);
        return;
      case 'done':
        this.finish();
        this.emitEvent('done', msg.payload);
        resolve(msg.payload);
        return;
      case 'error':
        this.finish();
        reject(msg.exitCode === 2 ? new UsageError(msg.message) : new WorkbenchError(msg.message, msg.exitCode ?? 1));
        return;
      case 'replay-pull':
        void this.sendChunk();
        return;
    }
  }

  private async sendChunk(): Promise<void> {
    const it = this.replayIt;
    const items: RecordedRequest[] = [];
    let done = false;
    try {
      if (it === null) done = true;
      while (it !== null && items.length < REPLAY_CHUNK) {
        const r = await it.next();
        if (r.done) {
          done = true;
          break;
        }
        const v = r.value;
        // Only the fields replay needs cross the thread (a stored row may carry more).
        items.push({ seq: v.seq, t_offset_ms: v.t_offset_ms, kind: v.kind, method: v.method, path: v.path, body: v.body });
      }
      this.send({ type: 'replay-chunk', items, done, error: null });
    } catch (err) {
      this.send({ type: 'replay-chunk', items: [], done: true, error: `replay source failed: ${(err as Error).message}` });
    }
  }

  private send(msg: ToWorker): void {
    if (!this.finished) this.worker.postMessage(msg);
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    void this.worker.terminate();
  }
}

/**
 * Starts a load run in a worker thread. The config is validated here first, so a bad value is a
 * UsageError thrown synchronously, as with `new LoadGenerator()`. Listen with `.on()` right
 * away: events arrive from the worker asynchronously.
 */
export function startLoadWorker(config: LoadConfigInput | LoadConfig, options: LoadWorkerOptions = {}): LoadRun {
  return new LoadWorkerRun(parseLoadConfig(config), options);
}
