/**
 * The session store (see store.ts): openStore, the batched writer, sessions and readers.
 * Other layers import from here only.
 */
export { openStore, Store, SCHEMA_VERSION, type StoreOptions } from './store.js';
export { createBatchedWriter, type BatchedWriter, type BatchedWriterOptions, type WriterStats } from './batched-writer.js';
export type { AppliedMigration } from './migrate.js';
export { HEARTBEAT_STALE_MS } from './recovery.js';
export { TABLE_NAMES } from './table-specs.js';
export { redactJson } from './secrets.js';
export { cacheStatsRow } from './row-mappers.js';
export { isSessionId, newSessionId } from './session-id.js';
export type { SessionsRepo } from './sessions-repo.js';
export * from './session-types.js';
export * from './row-types.js';
export type { JsonObject, JsonValue } from './json-types.js';
export * from './readers/index.js';
