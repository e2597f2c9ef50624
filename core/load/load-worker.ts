import { parentPort, workerData } from 'node:worker_threads';
import { WorkbenchError, errorMessage } from '../common/errors.js';
import { replaySource } from './feed.js';
import { LoadGenerator } from './generator.js';
import type { RecordedRequest } from './types.js';
import type { ToMain, ToWorker, WorkerInit } from './worker-protocol.js';

/**
 * Worker-thread entry of startLoadWorker(): runs a LoadGenerator on this thread's event loop
 * and forwards its events. Trace batches are acknowledged by the main thread after its
 * listeners ran; if too many are unacknowledged (the consumer is behind), further batches are
 * dropped and counted in `trace_dropped` rather than queued without bound.
 */

const port = parentPort;
if (port === null) throw new Error('load-worker.ts must run in a worker thread');
const init = workerData as WorkerInit;

function post(msg: ToMain): void {
  port?.postMessage(msg);
}

let pendingTrace = 0;
let chunkWaiter: ((msg: Extract<ToWorker, { type: 'replay-chunk' }>) => void) | null = null;

async function* remoteRequests(): AsyncGenerator<RecordedRequest> {
  for (;;) {
    const chunk = await new Promise<Extract<ToWorker, { type: 'replay-chunk' }>>((resolve) => {
      chunkWaiter = resolve;
      post({ type: 'replay-pull' });
    });
    if (chunk.error !== null) throw new WorkbenchError(chunk.error);
    yield* chunk.items;
    if (chunk.done) return;
  }
}

function start(): void {
  let gen: LoadGenerator;
  try {
    gen = new LoadGenerator(init.config, {
      source: init.replay ? replaySource(remoteRequests(), init.replay) : undefined,
      traceGate: () => pendingTrace < init.maxPendingTraceBatches,
    });
  } catch (err) {
    post({ type: 'error', message: errorMessage(err), exitCode: err instanceof WorkbenchError ? err.exitCode : null });
    return;
  }
  gen.on('phase', (payload) => post({ type: 'event', event: 'phase', payload }));
  gen.on('second', (payload) => post({ type: 'event', event: 'second', payload }));
  gen.on('trace', (payload) => {
    pendingTrace++;
    post({ type: 'event', event: 'trace', payload });
  });
  port?.on('message', (msg: ToWorker) => {
    if (msg.type === 'stop') void gen.stop();
    else if (msg.type === 'trace-ack') pendingTrace--;
    else if (msg.type === 'replay-chunk') {
      const w = chunkWaiter;
      chunkWaiter = null;
      w?.(msg);
    }
  });
  gen.run().then(
    (totals) => {
      // The main thread terminates this worker once it has the result.
      post({ type: 'done', payload: totals });
    },
    (err: unknown) => {
      post({ type: 'error', message: errorMessage(err), exitCode: err instanceof WorkbenchError ? err.exitCode : null });
    },
  );
}

start();
