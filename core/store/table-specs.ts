import type { TableName, TableRows } from './row-types.js';

/**
 * How each writable table is written: its columns in bind order and what a row does when its
 * key already exists.
 * - insert:  plain append (a duplicate key is an error: the row's producer owns the key).
 * - ignore:  append, and a row already stored is skipped (cumulative snapshots re-send entries).
 * - replace: upsert, the newest cumulative values win; `keepIfNull` columns keep the stored
 *            value when the new row has null (a snapshot without histograms).
 * - add:     upsert, the `add` columns are summed (per-window deltas pushed twice).
 */
export interface ColumnSpec<R> {
  name: keyof R & string;
  /** Stored as JSON text. */
  json?: true;
  /** Free text that may hold a URL: credentials masked before storing. */
  redact?: true;
  /** Value when the row omits the field. */
  default?: string | number;
  /** null is stored as '' (the column is part of a key, and NULLs never conflict). */
  emptyIfNull?: true;
}

export type ConflictPolicy<R> =
  | { kind: 'insert' }
  | { kind: 'ignore' }
  | { kind: 'replace'; key: readonly (keyof R & string)[]; keepIfNull?: readonly (keyof R & string)[] }
  | { kind: 'add'; key: readonly (keyof R & string)[]; add: readonly (keyof R & string)[] };

export interface TableSpec<T extends TableName> {
  table: T;
  columns: readonly ColumnSpec<TableRows[T]>[];
  conflict: ConflictPolicy<TableRows[T]>;
}

type Specs = { [T in TableName]: TableSpec<T> };

function cols<R>(...names: (keyof R & string)[]): ColumnSpec<R>[] {
  return names.map((name) => ({ name }));
}

export const TABLE_SPECS: Specs = {
  timeline: {
    table: 'timeline',
    columns: cols<TableRows['timeline']>(
      'session_id', 't_s', 'requests', 'rps', 'errors', 'p50_ms', 'p95_ms', 'p99_ms',
      'pool_checked_out', 'pool_waiting', 'cache_hit_rate', 'queries',
    ),
    conflict: { kind: 'replace', key: ['session_id', 't_s'] },
  },
  latency_windows: {
    table: 'latency_windows',
    columns: [
      ...cols<TableRows['latency_windows']>('session_id', 't_s', 'kind'),
      { name: 'window_s', default: 1 },
      ...cols<TableRows['latency_windows']>('count', 'errors', 'hist'),
    ],
    conflict: { kind: 'replace', key: ['session_id', 't_s', 'kind'] },
  },
  query_stats: {
    table: 'query_stats',
    columns: cols<TableRows['query_stats']>(
      'session_id', 'fingerprint', 'query', 'count', 'errors', 'total_ms', 'mean_ms', 'p50_ms',
      'p95_ms', 'p99_ms', 'max_ms', 'rows', 'hist',
    ),
    conflict: { kind: 'replace', key: ['session_id', 'fingerprint'], keepIfNull: ['hist'] },
  },
  query_windows: {
    table: 'query_windows',
    columns: cols<TableRows['query_windows']>('session_id', 't_s', 'fingerprint', 'count', 'total_ms'),
    conflict: { kind: 'add', key: ['session_id', 't_s', 'fingerprint'], add: ['count', 'total_ms'] },
  },
  slow_queries: {
    table: 'slow_queries',
    columns: [
      ...cols<TableRows['slow_queries']>('session_id', 'at_ms', 'fingerprint', 'duration_ms', 'query'),
      { name: 'statement', redact: true },
      ...cols<TableRows['slow_queries']>('rows', 'call_site'),
      { name: 'error', redact: true },
    ],
    conflict: { kind: 'ignore' },
  },
  n_plus_one: {
    table: 'n_plus_one',
    columns: [
      ...cols<TableRows['n_plus_one']>(
        'session_id', 'fingerprint', 'detection', 'query', 'occurrences', 'traces_affected',
        'max_per_trace', 'total_duration_ms',
      ),
      { name: 'example', redact: true },
      { name: 'call_site' },
    ],
    conflict: { kind: 'replace', key: ['session_id', 'fingerprint', 'detection'] },
  },
  pool_samples: {
    table: 'pool_samples',
    columns: [
      { name: 'session_id' },
      { name: 'pool', default: 'default' },
      ...cols<TableRows['pool_samples']>('t_ms', 'size', 'total', 'checked_out', 'idle', 'waiting', 'overflow'),
    ],
    conflict: { kind: 'ignore' },
  },
  pool_events: {
    table: 'pool_events',
    columns: [
      { name: 'session_id' },
      { name: 'pool', default: 'default' },
      ...cols<TableRows['pool_events']>('kind', 'at_ms', 'duration_ms'),
      { name: 'call_site', emptyIfNull: true },
      { name: 'peak_waiting' },
    ],
    conflict: { kind: 'ignore' },
  },
  pool_stats: {
    table: 'pool_stats',
    columns: [{ name: 'session_id' }, { name: 'pool', default: 'default' }, { name: 'data', json: true }],
    conflict: { kind: 'replace', key: ['session_id', 'pool'] },
  },
  cache_patterns: {
    table: 'cache_patterns',
    columns: cols<TableRows['cache_patterns']>('session_id', 'pattern', 'operations', 'hits', 'misses', 'hit_rate', 'avg_latency_ms'),
    conflict: { kind: 'replace', key: ['session_id', 'pattern'] },
  },
  cache_sensitivity: {
    table: 'cache_sensitivity',
    columns: cols<TableRows['cache_sensitivity']>(
      'session_id', 'sensitivity', 'ttl_s', 'operations', 'hits', 'misses', 'hit_rate', 'avg_latency_ms',
    ),
    conflict: { kind: 'replace', key: ['session_id', 'sensitivity'] },
  },
  cache_invalidations: {
    table: 'cache_invalidations',
    columns: cols<TableRows['cache_invalidations']>('session_id', 'trigger', 'count', 'keys_removed'),
    conflict: { kind: 'replace', key: ['session_id', 'trigger'] },
  },
  cache_stats: {
    table: 'cache_stats',
    columns: [
      ...cols<TableRows['cache_stats']>(
        'session_id', 'operations', 'gets', 'sets', 'deletes', 'hits', 'misses', 'hit_rate',
        'hit_avg_ms', 'hit_p95_ms', 'miss_avg_ms', 'miss_p95_ms',
      ),
      { name: 'hit_latency_histogram', json: true },
      { name: 'miss_latency_histogram', json: true },
    ],
    conflict: { kind: 'replace', key: ['session_id'] },
  },
  function_stats: {
    table: 'function_stats',
    columns: cols<TableRows['function_stats']>(
      'session_id', 'name', 'calls', 'errors', 'total_ms', 'self_ms', 'mean_ms', 'p95_ms', 'p99_ms', 'hist',
    ),
    conflict: { kind: 'replace', key: ['session_id', 'name'], keepIfNull: ['hist'] },
  },
  call_tree: {
    table: 'call_tree',
    columns: [{ name: 'session_id' }, { name: 'tree', json: true }],
    conflict: { kind: 'replace', key: ['session_id'] },
  },
  recommendations: {
    table: 'recommendations',
    columns: [
      ...cols<TableRows['recommendations']>('session_id', 'rank', 'id', 'title', 'impact', 'effort'),
      { name: 'evidence', json: true },
      { name: 'action' },
    ],
    conflict: { kind: 'replace', key: ['session_id', 'rank'] },
  },
  request_trace: {
    table: 'request_trace',
    columns: cols<TableRows['request_trace']>(
      'session_id', 'seq', 't_offset_ms', 'kind', 'method', 'path', 'body', 'status', 'latency_ms', 'error_class',
    ),
    conflict: { kind: 'insert' },
  },
  probe_samples: {
    table: 'probe_samples',
    columns: [...cols<TableRows['probe_samples']>('session_id', 'probe', 't_ms'), { name: 'data', json: true, redact: true }],
    conflict: { kind: 'insert' },
  },
  events: {
    table: 'events',
    columns: [...cols<TableRows['events']>('session_id', 't_ms', 'level', 'kind'), { name: 'message', redact: true }],
    conflict: { kind: 'insert' },
  },
  latency_totals: {
    table: 'latency_totals',
    columns: cols<TableRows['latency_totals']>('session_id', 'kind', 'requests', 'errors', 'mean_ms', 'p50_ms', 'p95_ms', 'p99_ms', 'max_ms', 'hist'),
    conflict: { kind: 'replace', key: ['session_id', 'kind'] },
  },
  report_sections: {
    table: 'report_sections',
    columns: [...cols<TableRows['report_sections']>('session_id', 'name'), { name: 'data', json: true, redact: true }],
    conflict: { kind: 'replace', key: ['session_id', 'name'] },
  },
};

export const TABLE_NAMES = Object.keys(TABLE_SPECS) as TableName[];
