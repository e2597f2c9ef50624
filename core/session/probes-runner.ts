import { errorMessage } from '../common/errors.js';
import {
  MONITOR_COST_WARNING,
  PostgresProbe,
  RedisProbe,
  type PostgresProbeSections,
  type ProbeSample,
  type RedisProbeSections,
} from '../probes/index.js';
import type { TimelineAssembler } from './timeline.js';

/**
 * The external probes of a session: connected before the session exists (so a bad URL or a
 * refused password fails fast and leaves nothing behind), sampling while the load runs, and
 * turned into report sections at the end.
 */

export interface ProbeTargets {
  pg?: string;
  redis?: string;
  redisMonitorS?: number;
}

export interface ProbeSections {
  postgres: PostgresProbeSections | null;
  redis: RedisProbeSections | null;
  warnings: string[];
}

/**
 * Connect bound for the probes of a recording (the probes' own default is 4 s): with Node's
 * start-up it keeps a hung or firewalled host's error within the 5 s contract (see
 * TARGET_CHECK_TIMEOUT_MS, which runs side by side with it).
 */
export const PROBE_CONNECT_TIMEOUT_MS = 3000;

export class ProbeSet {
  private unsubscribe: Array<() => void> = [];
  private constructor(
    readonly postgres: PostgresProbe | null,
    readonly redis: RedisProbe | null,
    readonly warnings: string[],
  ) {}

  static async connect(t: ProbeTargets): Promise<ProbeSet> {
    const [pgResult, redisResult] = await Promise.allSettled([
      t.pg ? PostgresProbe.connect(t.pg, { connectTimeoutMs: PROBE_CONNECT_TIMEOUT_MS }) : Promise.resolve(null),
      t.redis
        ? RedisProbe.connect(t.redis, { connectTimeoutMs: PROBE_CONNECT_TIMEOUT_MS, ...(t.redisMonitorS ? { monitor: { seconds: t.redisMonitorS } } : {}) })
        : Promise.resolve(null),
    ]);
    if (pgResult.status === 'rejected' || redisResult.status === 'rejected') {
      if (pgResult.status === 'fulfilled') await pgResult.value?.close().catch(() => undefined);
      if (redisResult.status === 'fulfilled') await redisResult.value?.close().catch(() => undefined);
      throw pgResult.status === 'rejected' ? pgResult.reason : (redisResult as PromiseRejectedResult).reason;
    }
    const warnings: string[] = [];
    const pg = pgResult.value;
    const redis = redisResult.value;
    if (pg) warnings.push(...(await pg.check()).warnings.map((w) => `postgres: ${w}`));
    if (redis) warnings.push(...(await redis.check()).warnings.map((w) => `redis: ${w}`));
    if (t.redisMonitorS) warnings.push(`redis: ${MONITOR_COST_WARNING}`);
    return new ProbeSet(pg, redis, [...new Set(warnings)]);
  }

  get empty(): boolean {
    return this.postgres === null && this.redis === null;
  }

  /** Starts sampling; samples go to `onSample`, and pool/cache readings into the timeline. */
  async start(onSample: (s: ProbeSample) => void, timeline: TimelineAssembler): Promise<void> {
    const route = (s: ProbeSample) => {
      onSample(s);
      const d = s.data;
      if (d.kind === 'info' && typeof d.hits === 'number' && typeof d.misses === 'number') timeline.addCacheDelta(s.t_ms, d.hits, d.misses);
      if (d.kind === 'activity' && typeof d.connections === 'number') {
        const byState = (d.by_state ?? {}) as Record<string, number>;
        timeline.addPoolSamples([
          { t_ms: s.t_ms, size: 0, total: d.connections, checked_out: byState['active'] ?? 0, idle: byState['idle'] ?? 0, waiting: Number(d.waiting_on_locks ?? 0), overflow: 0 },
        ]);
      }
      if (d.kind === 'statements' && typeof d.calls === 'number') timeline.addQueries(s.t_ms, d.calls);
    };
    for (const p of [this.postgres, this.redis]) {
      if (!p) continue;
      this.unsubscribe.push(p.onSample(route));
      await p.start(1000);
    }
  }

  async stop(): Promise<ProbeSections> {
    const warnings = [...this.warnings];
    let postgres: PostgresProbeSections | null = null;
    let redis: RedisProbeSections | null = null;
    if (this.postgres) {
      try {
        await this.postgres.stop();
        postgres = this.postgres.toReportSections();
        warnings.push(...postgres.warnings.map((w) => `postgres: ${w}`));
      } catch (err) {
        warnings.push(`postgres: the probe failed at the end: ${errorMessage(err)}`);
      }
    }
    if (this.redis) {
      try {
        await this.redis.stop();
        redis = this.redis.toReportSections();
        warnings.push(...redis.warnings.map((w) => `redis: ${w}`));
      } catch (err) {
        warnings.push(`redis: the probe failed at the end: ${errorMessage(err)}`);
      }
    }
    for (const u of this.unsubscribe) u();
    return { postgres, redis, warnings: [...new Set(warnings)] };
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.postgres?.close(), this.redis?.close()]);
  }
}
