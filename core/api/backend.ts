import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../common/paths.js';
import type { EmbeddedExtras } from '../session/index.js';
import type { Store } from '../store/index.js';
import { recordingHandlers } from './handlers-recording.js';
import { sessionHandlers } from './handlers-sessions.js';
import { startBackendServer, type RunningBackend } from './server.js';
import type { ApiEvents, WorkbenchApi } from './types.js';

/** The local backend process's whole job: the WorkbenchApi over the store, served on loopback. */

export interface BackendStartOptions {
  store: Store;
  port?: number;
  token?: string;
  /** Serve the built renderer (web mode). Default: dist/renderer when it exists. */
  rendererDir?: string | null;
  allowedOrigins?: string[];
  embeddedDefaults?: EmbeddedExtras;
  log?: (line: string) => void;
}

export interface Backend extends RunningBackend {
  api: WorkbenchApi;
}

export async function startBackend(opts: BackendStartOptions): Promise<Backend> {
  let server: RunningBackend | null = null;
  const broadcast = <E extends keyof ApiEvents>(event: E, data: ApiEvents[E]) => server?.broadcast(event, data);
  const recording = recordingHandlers(opts.store, broadcast, opts.embeddedDefaults);
  const api: WorkbenchApi = {
    ...sessionHandlers(opts.store, recording.isRecording, (reason) => broadcast('sessions/changed', { reason })),
    ...recording.handlers,
  };
  const defaultRenderer = join(packageRoot(), 'dist', 'renderer');
  const rendererDir = opts.rendererDir === null ? undefined : (opts.rendererDir ?? (existsSync(defaultRenderer) ? defaultRenderer : undefined));
  server = await startBackendServer({ port: opts.port, token: opts.token, rendererDir, handlers: api, allowedOrigins: opts.allowedOrigins, log: opts.log });
  const running = server;
  return {
    ...running,
    api,
    async close() {
      await recording.close();
      await running.close();
    },
  };
}
