import type { PostgresProbe } from './pg-probe.js';
import type { RedisProbe } from './redis-probe.js';
import type { PostgresProbeSections, RedisProbeSections, SampleListener } from './types.js';

/**
 * Observe-only mode: no load of ours, the probes record while the user's own load (k6, Locust,
 * pgbench, production traffic) runs. `profile --pg URL [--redis URL] --duration S` without a
 * target calls this; its report has the same sections, filled from the probes.
 */

export interface ObserveOptions {
  durationMs: number;
  /** Sampling interval (default 1 s). */
  intervalMs?: number;
  /** Ends the window early (the CLI's Ctrl-C, the UI's stop): the sections cover what was seen. */
  signal?: AbortSignal;
  onSample?: SampleListener;
}

export interface ObservedSections {
  queries: PostgresProbeSections['queries'];
  slow_queries: PostgresProbeSections['slow_queries'];
  cache: RedisProbeSections['cache'] | null;
  postgres: PostgresProbeSections['postgres'] | null;
  redis: RedisProbeSections['redis'] | null;
  started_at: string;
  ended_at: string;
  duration_s: number;
  warnings: string[];
}

export async function observe(probes: { postgres?: PostgresProbe; redis?: RedisProbe }, options: ObserveOptions): Promise<ObservedSections> {
  const list = [probes.postgres, probes.redis].filter((p): p is PostgresProbe | RedisProbe => p !== undefined);
  const unsubscribe = options.onSample ? list.map((p) => p.onSample(options.onSample as SampleListener)) : [];
  const startedMs = Date.now();
  const started: (PostgresProbe | RedisProbe)[] = [];
  let failure: { error: unknown } | null = null;
  try {
    for (const p of list) {
      await p.start(options.intervalMs);
      started.push(p);
    }
    await sleep(options.durationMs, options.signal);
  } catch (error) {
    failure = { error };
  }
  // Stop every probe that started, even when another failed: MONITOR's setting must be restored.
  const results = await Promise.allSettled(started.map((p) => p.stop()));
  for (const u of unsubscribe) u();
  const stopFailure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.error;
  if (stopFailure) throw stopFailure.reason;
  const endedMs = Date.now();
  const pg = probes.postgres?.toReportSections() ?? null;
  const redis = probes.redis?.toReportSections() ?? null;
  return {
    queries: pg?.queries ?? null,
    slow_queries: pg?.slow_queries ?? [],
    cache: redis?.cache ?? null,
    postgres: pg?.postgres ?? null,
    redis: redis?.redis ?? null,
    started_at: new Date(startedMs).toISOString(),
    ended_at: new Date(endedMs).toISOString(),
    duration_s: (endedMs - startedMs) / 1000,
    warnings: [...(pg?.warnings ?? []).map((w) => `postgres: ${w}`), ...(redis?.warnings ?? []).map((w) => `redis: ${w}`)],
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
