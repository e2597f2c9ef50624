/**
 * External-target probes: watch a user's own PostgreSQL and Redis read-only while load runs
 * (ours, or the user's in observe-only mode) and turn what they saw into report sections.
 */
export { PostgresProbe, type PostgresProbeOptions, DEFAULT_SLOW_QUERY_THRESHOLD_MS } from './pg-probe.js';
export { PROBE_APPLICATION_NAME, PROBE_MARKER } from './pg-sql.js';
export { RedisProbe, type RedisProbeOptions, REDIS_PROBE_CLIENT_NAME } from './redis-probe.js';
export { MONITOR_COST_WARNING } from './redis-monitor.js';
export { defaultKeyPattern, type KeyPatternFn } from './key-pattern.js';
export { observe, type ObserveOptions, type ObservedSections } from './observe.js';
export { DEFAULT_CONNECT_TIMEOUT_MS } from './connect-errors.js';
export type * from './types.js';
