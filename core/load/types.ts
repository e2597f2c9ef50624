/**
 * What the load generator emits. Payloads are snake_case with units in the names, like the
 * report JSON (ARCHITECTURE.md), because the recorder writes them to the store as they are.
 * Everything here is plain data: it crosses a worker_threads boundary by structured clone.
 */

/** The seed's traffic classes (50/30/15/5 by default). */
export const REQUEST_KINDS = ['cached', 'unique', 'critical', 'server'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/**
 * How a request failed. An error is still a completed request: it is counted, it has a
 * latency, and it appears in the trace.
 */
export const ERROR_CLASSES = [
  'timeout',
  'connection_refused',
  'connection_reset',
  'http_4xx',
  'http_5xx',
  'other',
] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

export type Phase = 'ramp-up' | 'sustained' | 'cool-down' | 'draining' | 'done';

/** One request of the sequence, before it is sent. The same shape is read back for replay. */
export interface PlannedRequest {
  /** 0-based position in the sequence; the trace and replay order by it. */
  seq: number;
  kind: RequestKind;
  method: string;
  /** Path and query, starting with '/'; joined to the target's base path. */
  path: string;
  /** Request body (JSON text for the SARK target), or null for none. */
  body: string | null;
}

/** A recorded request as replay reads it: the planned request plus when it was meant to start. */
export interface RecordedRequest extends PlannedRequest {
  /** Intended start, ms after the run's start. */
  t_offset_ms: number;
}

/** One line of the request trace. */
export interface TraceRecord extends RecordedRequest {
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  /** From the intended start to the end of the response body (or the failure). */
  latency_ms: number;
  error_class: ErrorClass | null;
}

export type ErrorCounts = Record<ErrorClass, number>;

export interface LatencyStatsMs {
  count: number;
  mean: number;
  min: number;
  max: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface KindSecond {
  requests: number;
  errors: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  /** The kind's LatencyHistogram for this second (LatencyHistogram.encode), mergeable by the store. */
  histogram: string;
}

/** Aggregate of the requests that completed during one second of the run. */
export interface SecondStats {
  /** Second index since the run started (0-based). */
  t_s: number;
  /** The phase when the second closed. */
  phase: Phase;
  requests: number;
  errors: ErrorCounts;
  error_count: number;
  /** Completed requests per second over the part of this second the run covered. */
  rps: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  by_kind: Record<RequestKind, KindSecond>;
  /** Requests sent but not completed at the end of the second. */
  in_flight: number;
  /** Closed model: virtual users running. Open model: 0. */
  active_users: number;
}

export interface KindTotals {
  kind: RequestKind;
  requests: number;
  errors: number;
  latency_ms: LatencyStatsMs;
  /** Merged LatencyHistogram of the whole run for this kind (encoded). */
  histogram: string;
}

/** What `done` carries: totals from the merged per-second histograms. */
export interface LoadTotals {
  /** `completed`: ran its course; `stopped`: stop() was called; `exhausted`: a replay source ran out. */
  reason: 'completed' | 'stopped' | 'exhausted';
  model: 'closed' | 'open' | 'replay-paced' | 'replay-fast';
  seed: number;
  duration_s: number;
  /** Requests handed to the HTTP client. Always equals `requests` once the run is done. */
  sent: number;
  /** Completed requests, successes and errors. */
  requests: number;
  succeeded: number;
  error_count: number;
  errors_by_class: ErrorCounts;
  throughput_rps: number;
  latency_ms: LatencyStatsMs;
  by_kind: KindTotals[];
  /** Merged LatencyHistogram of every request (encoded). */
  histogram: string;
  /** Trace records not delivered because the consumer fell behind (the counts above still include them). */
  trace_dropped: number;
}

export interface PhaseChange {
  phase: Phase;
  /** ms since the run started. */
  t_ms: number;
}

/** The events a load run emits, in-thread or from a worker. */
export interface LoadEvents {
  phase: PhaseChange;
  second: SecondStats;
  /** Trace records in `seq` order, in batches of at most TRACE_BATCH_MAX. */
  trace: TraceRecord[];
  done: LoadTotals;
}

export type LoadEventName = keyof LoadEvents;

/** What both LoadGenerator and startLoadWorker() return. */
export interface LoadRun {
  on<K extends LoadEventName>(event: K, listener: (payload: LoadEvents[K]) => void): this;
  off<K extends LoadEventName>(event: K, listener: (payload: LoadEvents[K]) => void): this;
  /** Resolves with the totals when the run ends (also after stop()). */
  readonly done: Promise<LoadTotals>;
  /** Ends the run early: no new requests, cool-down skipped, in-flight awaited (bounded by timeoutMs). */
  stop(): Promise<LoadTotals>;
}

export function emptyErrorCounts(): ErrorCounts {
  return { timeout: 0, connection_refused: 0, connection_reset: 0, http_4xx: 0, http_5xx: 0, other: 0 };
}
