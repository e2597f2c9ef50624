import type { GaugeStats } from './gauge-stats.js';
import { DELETE_COMMANDS, READ_COMMANDS, SET_COMMANDS } from './redis-commands.js';
import type { InfoTracker } from './redis-info.js';
import type { MonitorSession } from './redis-monitor.js';
import type { SlowlogTracker } from './redis-slowlog.js';
import type { RedisProbeSections } from './types.js';

export const CACHE_NOTE_INFO =
  'From Redis INFO deltas (the probe\'s own commands subtracted): hits and misses are key lookups as Redis counts them ' +
  '(an MGET of 3 keys is 3 lookups), so operations = hits + misses. INFO has no client-side latencies: the latency fields ' +
  'are 0; server-side time per command is in redis.commandstats.';

export const CACHE_NOTE_MONITOR =
  ' by_pattern comes from MONITOR (ops and lookups per key pattern) and keymiss notifications (misses per pattern) over the ' +
  'MONITOR window; hits = lookups - misses.';

export interface RedisSectionInputs {
  version: string;
  windowMs: number;
  info: InfoTracker;
  slowlog: SlowlogTracker;
  monitor: MonitorSession | null;
  connected: GaugeStats;
  blocked: GaugeStats;
  maxUsedMemory: number;
  warnings: string[];
}

export function redisSections(input: RedisSectionInputs): RedisProbeSections {
  const { info, monitor } = input;
  const t = info.totals;
  const last = info.last;
  const monitorSummary = monitor?.summary() ?? null;
  const lookups = t.hits + t.misses;
  const reads = info.callsOf(READ_COMMANDS);
  return {
    cache: {
      source: monitorSummary ? 'redis_info+monitor' : 'redis_info',
      note: CACHE_NOTE_INFO + (monitorSummary ? CACHE_NOTE_MONITOR : ''),
      operations: lookups,
      gets: reads.calls,
      sets: info.callsOf(SET_COMMANDS).calls,
      deletes: info.callsOf(DELETE_COMMANDS).calls,
      hits: t.hits,
      misses: t.misses,
      hit_rate: lookups === 0 ? 0 : t.hits / lookups,
      hit_latency_ms: { avg: 0, p95: 0 },
      miss_latency_ms: { avg: 0, p95: 0 },
      by_pattern: monitorSummary?.by_pattern ?? [],
      by_sensitivity: [],
      invalidations: [],
      hit_latency_histogram: [],
      miss_latency_histogram: [],
    },
    redis: {
      version: input.version,
      window_ms: input.windowMs,
      ops_per_s: input.windowMs <= 0 ? 0 : t.commands / (input.windowMs / 1000),
      total_commands: t.commands,
      keyspace_hits: t.hits,
      keyspace_misses: t.misses,
      expired_keys: t.expired,
      evicted_keys: t.evicted,
      commandstats: info.commandStats(),
      slowlog: input.slowlog.list(),
      clients: { connected: input.connected.summary(), blocked: input.blocked.summary() },
      memory: {
        used_bytes_max: input.maxUsedMemory,
        peak_bytes: last?.peakMemory ?? 0,
        maxmemory_bytes: last?.maxMemory ?? 0,
        fragmentation_ratio: last?.fragmentation ?? 0,
      },
      keyspace: last?.keyspace ?? {},
      monitor: monitorSummary,
    },
    warnings: [...new Set([...input.warnings, ...info.warnings, ...input.slowlog.warnings, ...(monitor?.warnings ?? [])])],
  };
}
