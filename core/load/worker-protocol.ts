import type { LoadConfig } from './config.js';
import type { LoadEvents, RecordedRequest } from './types.js';

/** Messages between startLoadWorker() (main thread) and load-worker.ts (the worker thread). */

export interface WorkerInit {
  config: LoadConfig;
  /** Present for a replay: the requests themselves are streamed on demand (replay-pull / replay-chunk). */
  replay: { asFastAsPossible: boolean } | null;
  /** Trace batches posted but not yet acknowledged before further batches are dropped (and counted). */
  maxPendingTraceBatches: number;
}

export type ToMain =
  | { type: 'event'; event: 'phase'; payload: LoadEvents['phase'] }
  | { type: 'event'; event: 'second'; payload: LoadEvents['second'] }
  | { type: 'event'; event: 'trace'; payload: LoadEvents['trace'] }
  | { type: 'done'; payload: LoadEvents['done'] }
  | { type: 'error'; message: string; exitCode: 1 | 2 | null }
  | { type: 'replay-pull' };

export type ToWorker =
  | { type: 'stop' }
  | { type: 'trace-ack' }
  | { type: 'replay-chunk'; items: RecordedRequest[]; done: boolean; error: string | null };

/** Replay rows travel in chunks of 1,000: one message per chunk keeps postMessage overhead small. */
export const REPLAY_CHUNK = 1000;
