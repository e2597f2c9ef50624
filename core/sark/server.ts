import { AsyncLocalStorage } from 'node:async_hooks';
import type { Server } from 'node:http';
import { UsageError, WorkbenchError, errorMessage } from '../common/errors.js';
import { DecisionCache } from './cache/decision-cache.js';
import { MemoryCacheBackend } from './cache/memory-backend.js';
import { RedisCacheBackend } from './cache/redis-backend.js';
import { TtlPolicy } from './cache/ttl-policy.js';
import type { CacheBackend } from './cache/cache-backend.js';
import { AuditLog, type DetachedRunner } from './data/audit-log.js';
import { describeDataset, resolveDataset, type DatasetDescription } from './dataset.js';
import { PolicyEvaluator } from './evaluator.js';
import { sarkHealth } from './health.js';
import { createRouter } from './http/router.js';
import { sarkRoutes } from './http/routes.js';
import { createInstrumentation } from './instrumentation.js';
import type { SarkInstrumentation } from './instrumentation-types.js';
import { clearCacheAtStartup } from './invalidation.js';
import { DEFAULT_SARK_PROFILE, resolveKnobs, type SarkKnobs, type SarkProfileName } from './knobs.js';
import { DEFAULT_TIMING_BUDGET, type SarkServerOptions } from './options.js';
import { CedarEngine } from './policy/cedar-engine.js';
import { prewarmCache } from './prewarm.js';
import { openStorage, type Storage } from './storage/storage.js';

export interface RunningSarkServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  profile: SarkProfileName;
  knobs: SarkKnobs;
  dataset: DatasetDescription;
  storage: {
    kind: 'embedded' | 'postgres';
    dataDir: string | null;
    /** Loopback URL of the embedded database (read-only EXPLAIN by the recorder); null for a user's Postgres. */
    embeddedUrl: string | null;
    temporaryDataDir: boolean;
    seeded: boolean;
    seedMs: number;
    analyticsIndex: boolean;
  };
  cache: { kind: 'redis' | 'memory' };
  profiling: boolean;
  /** Decisions evaluated by `prewarm` before the server reported ready. */
  prewarmed: number;
  startupMs: number;
  instrumentation: SarkInstrumentation;
  /**
   * Stops accepting requests, lets in-flight ones finish and writes buffered audit rows; the
   * profilers stay readable (the child takes its final snapshot after this).
   */
  quiesce(): Promise<void>;
  /** quiesce(), then closes pools, cache and the embedded database. */
  close(): Promise<void>;
}

/** How long in-flight requests get to finish when the server stops. */
const SHUTDOWN_GRACE_MS = 5000;

function defaultLog(line: string): void {
  process.stderr.write(`[sark] ${line}\n`);
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(new WorkbenchError(`cannot listen on 127.0.0.1:${port}: ${errorMessage(err)}`)));
    server.listen(port, '127.0.0.1', () => {
      server.removeAllListeners('error');
      const addr = server.address();
      resolve(typeof addr === 'object' && addr !== null ? addr.port : port);
    });
  });
}

/**
 * Starts the embedded SARK authorization server and resolves when it accepts requests.
 * Bad options throw a UsageError; an unreachable Postgres or Redis a WorkbenchError.
 */
export async function startSarkServer(options: SarkServerOptions = {}): Promise<RunningSarkServer> {
  const t0 = performance.now();
  const log = options.log ?? defaultLog;
  const profile = options.profile ?? DEFAULT_SARK_PROFILE;
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`port must be an integer from 0 to 65535, got ${String(options.port)}`);
  const knobs = resolveKnobs(profile, options.knobs);
  const storageKind = options.pgUrl === undefined ? 'embedded' : 'postgres';
  const dataset = resolveDataset({ seed: options.seed, sizes: options.sizes, storage: storageKind });
  const description = describeDataset({ seed: options.seed, sizes: options.sizes, storage: storageKind });
  const instr = createInstrumentation(options.profiling ?? true, options.timingBudget === undefined ? DEFAULT_TIMING_BUDGET : options.timingBudget);
  // Captured here, outside any request: background work (audit flushes, revalidation) runs in
  // this context, so it is never attributed to the request that happened to trigger it.
  const detached: DetachedRunner = AsyncLocalStorage.snapshot();

  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async (): Promise<void> => {
    for (const fn of cleanups.reverse()) await fn().catch((err: unknown) => log(`warning: during shutdown: ${errorMessage(err)}`));
    cleanups.length = 0;
  };
  try {
    cleanups.push(() => Promise.resolve(instr.close()));
    const opening = openStorage({ pgUrl: options.pgUrl, dataset, knobs, instr, embeddedDataDir: options.embeddedDataDir, log });
    // Compiling Cedar's WebAssembly and parsing the policies (~0.1-0.2 s, synchronous) overlaps
    // the embedded database booting in its own process. If it throws, the storage still closes.
    let engine: CedarEngine;
    try {
      engine = CedarEngine.load();
    } catch (err) {
      await opening.then((s) => s.close()).catch(() => undefined);
      throw err;
    }
    const storage: Storage = await opening;
    cleanups.push(() => storage.close());
    const backend: CacheBackend = options.redisUrl === undefined ? new MemoryCacheBackend() : await RedisCacheBackend.connect(options.redisUrl);
    cleanups.push(() => backend.close());
    const cache = new DecisionCache(backend, instr);
    await clearCacheAtStartup(cache);
    const audit = new AuditLog(storage.auditPool, knobs, instr, detached);
    cleanups.push(() => audit.close());
    const evaluator = new PolicyEvaluator({
      ctx: null,
      pool: storage.policyPool,
      cache,
      knobs,
      instr,
      engine,
      audit,
      ttl: new TtlPolicy(knobs.criticalTtlS, knobs.adaptiveTtl),
      detached,
    });
    let prewarmed = 0;
    if (knobs.prewarm) {
      const t1 = performance.now();
      prewarmed = await prewarmCache(evaluator, description);
      log(`pre-warmed ${prewarmed} decisions in ${Math.round(performance.now() - t1)} ms`);
    }
    // Setup, pre-warming and the first fingerprint parses are not what a session measures.
    instr.reset();

    const startedAtMs = Date.now();
    const health = () => sarkHealth({ storage, backend, audit, instr, profile, startedAtMs });
    const server = createRouter(sarkRoutes({ evaluator, health }), instr, log);
    const boundPort = await listen(server, port);
    server.on('error', (err) => log(`warning: HTTP server: ${errorMessage(err)}`));
    const stopHttp = (): Promise<void> =>
      new Promise<void>((resolve) => {
        // Busy connections finish their request; a client that keeps sending is cut off after a grace period.
        const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
    let quiescing: Promise<void> | undefined;
    const quiesce = (): Promise<void> => {
      quiescing ??= stopHttp().then(() => audit.close());
      return quiescing;
    };
    cleanups.push(quiesce);
    const startupMs = Math.round(performance.now() - t0);
    let closing: Promise<void> | undefined;
    return {
      url: `http://127.0.0.1:${boundPort}`,
      port: boundPort,
      profile,
      knobs,
      dataset: description,
      storage: {
        kind: storage.kind,
        dataDir: storage.dataDir,
        embeddedUrl: storage.embeddedUrl,
        temporaryDataDir: storage.temporaryDataDir,
        seeded: storage.setup.seeded,
        seedMs: storage.setup.seedMs,
        analyticsIndex: storage.setup.analyticsIndex,
      },
      cache: { kind: backend.kind },
      profiling: instr.enabled,
      prewarmed,
      startupMs,
      instrumentation: instr,
      quiesce,
      close() {
        closing ??= cleanup();
        return closing;
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
