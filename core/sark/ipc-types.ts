import type { ProfilingSnapshot } from '../profiling/snapshot-types.js';
import type { DatasetDescription } from './dataset.js';
import type { SarkKnobs, SarkProfileName } from './knobs.js';

/**
 * IPC between the recorder (parent) and the embedded server's child process (child.ts), over
 * `child_process.fork`'s channel.
 *
 * Options travel in the env var SARK_SERVER_OPTIONS as JSON (SarkServerOptions without `log`),
 * not on the command line, so a password in a Postgres or Redis URL never shows in `ps`.
 *
 * parent -> child: {type:'stop'}: stop accepting requests, flush, send `final`, exit 0.
 * child -> parent: `ready` once listening; `snapshot` every second (cumulative; histograms
 * every 5th); `final` (with histograms) after a stop; `error` if startup or the server fails
 * (then exit with its exitCode: 2 bad options, 1 runtime failure).
 */

export const SARK_OPTIONS_ENV = 'SARK_SERVER_OPTIONS';
export const SNAPSHOT_INTERVAL_MS = 1000;
export const HISTOGRAMS_EVERY_N_SNAPSHOTS = 5;

/**
 * `drain`: stop serving, flush, send `final`, but keep running (and the embedded database up) so
 * the recorder can EXPLAIN read-only against it; `stop` then ends the process.
 */
export type SarkParentMessage = { type: 'stop' } | { type: 'drain' };

export interface SarkReadyMessage {
  type: 'ready';
  url: string;
  port: number;
  pid: number;
  profile: SarkProfileName;
  knobs: SarkKnobs;
  dataset: DatasetDescription;
  /** `embeddedUrl`: the embedded database on loopback (no password), for read-only EXPLAIN; null with a user's Postgres. */
  storage: { kind: 'embedded' | 'postgres'; seeded: boolean; seedMs: number; temporaryDataDir: boolean; analyticsIndex: boolean; embeddedUrl: string | null };
  cache: { kind: 'redis' | 'memory' };
  profiling: boolean;
  prewarmed: number;
  startupMs: number;
}

export type SarkChildMessage =
  | SarkReadyMessage
  | { type: 'snapshot'; snapshot: ProfilingSnapshot }
  | { type: 'final'; snapshot: ProfilingSnapshot }
  | { type: 'error'; message: string; exitCode: 1 | 2 };

export function isSarkChildMessage(value: unknown): value is SarkChildMessage {
  const t = (value as { type?: unknown } | null)?.type;
  return t === 'ready' || t === 'snapshot' || t === 'final' || t === 'error';
}
