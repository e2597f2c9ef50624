import { z } from 'zod';
import type { Comparison } from '../analysis/compare-types.js';
import type { TimelinePoint } from '../profiling/report-types.js';
import type { SessionReport, SessionStatus, TargetKind } from '../report/types.js';
import type { RecordingProgress } from '../session/types.js';

/**
 * The WorkbenchApi: the one contract between the UI (renderer/, in Electron or a browser) and
 * the local backend. Methods are named `domain/verb` (Beekeeper Studio's convention); every
 * call's params are validated with the zod schema below at the boundary, and every result
 * type is declared here. The renderer imports *types* from this file only.
 *
 * Wire format (WebSocket, JSON text frames):
 *   client -> server  { "id": 7, "method": "sessions/list", "params": {...} }
 *   server -> client  { "id": 7, "result": ... }  or  { "id": 7, "error": { "message": "..." } }
 *   server -> client  { "event": "recording/progress", "data": {...} }   (pushed)
 */

export type { Comparison, RecordingProgress, SessionReport, SessionStatus, TargetKind, TimelinePoint };

const url = z.string().trim().min(1).max(2000);
const id = z.string().trim().min(1).max(200);

export const knobValue = z.union([z.string().max(200), z.number().finite(), z.boolean()]);

export const loadSchema = z
  .object({
    users: z.number().int().min(1).max(10_000).optional(),
    rampUpS: z.number().min(0).max(3600).optional(),
    durationS: z.number().positive().max(86_400).optional(),
    coolDownS: z.number().min(0).max(3600).optional(),
    rate: z.number().positive().max(1_000_000).optional(),
    /** e.g. "cached=50,unique=30,critical=15,server=5" */
    mix: z.string().max(200).optional(),
    thinkTimeMs: z.number().min(0).max(60_000).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
    connections: z.number().int().min(1).max(10_000).optional(),
  })
  .strict();
export type LoadSettings = z.infer<typeof loadSchema>;

export const targetSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('embedded'),
      profile: z.enum(['baseline', 'optimized']).optional(),
      knobs: z.record(z.string().max(100), knobValue).optional(),
      pg: url.optional(),
      redis: url.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('external'),
      targetUrl: url,
      pg: url.optional(),
      redis: url.optional(),
      redisMonitorS: z.number().int().min(1).max(3600).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('observe'),
      pg: url.optional(),
      redis: url.optional(),
      redisMonitorS: z.number().int().min(1).max(3600).optional(),
    })
    .strict(),
]);
export type TargetSettings = z.infer<typeof targetSchema>;

export const recordRequestSchema = z
  .object({
    name: z.string().trim().max(200).optional(),
    target: targetSchema,
    load: loadSchema.optional(),
  })
  .strict();
export type RecordRequest = z.infer<typeof recordRequestSchema>;

/** Params of each method. */
export const apiParams = {
  'sessions/list': z.object({ search: z.string().max(200).optional(), status: z.string().max(20).optional() }).strict(),
  'sessions/get': z.object({ id }).strict(),
  'sessions/delete': z.object({ ids: z.array(id).min(1).max(1000) }).strict(),
  'sessions/rename': z.object({ id, name: z.string().trim().min(1).max(200) }).strict(),
  'sessions/events': z.object({ id }).strict(),
  'sessions/compare': z.object({ baseline: id, candidate: id }).strict(),
  'sessions/export': z.object({ id, format: z.enum(['json', 'markdown', 'cpuprofile']) }).strict(),
  'sessions/import': z.object({ filename: z.string().max(500).optional(), content: z.string().max(64 * 1024 * 1024) }).strict(),
  'targets/test': z.object({ targetUrl: url.optional(), pg: url.optional(), redis: url.optional() }).strict(),
  'embedded/describe': z.object({}).strict(),
  'embedded/start': z
    .object({ profile: z.enum(['baseline', 'optimized']).optional(), knobs: z.record(z.string().max(100), knobValue).optional(), port: z.number().int().min(0).max(65535).optional() })
    .strict(),
  'embedded/stop': z.object({}).strict(),
  'embedded/status': z.object({}).strict(),
  'recording/start': recordRequestSchema,
  'recording/stop': z.object({ sessionId: id, cancel: z.boolean().optional() }).strict(),
  'recording/active': z.object({}).strict(),
  'replay/start': z
    .object({ sessionId: id, name: z.string().trim().max(200).optional(), target: targetSchema.optional(), asFastAsPossible: z.boolean().optional() })
    .strict(),
} as const;

export type ApiMethod = keyof typeof apiParams;
export type ApiParams<M extends ApiMethod> = z.infer<(typeof apiParams)[M]>;

export interface SessionListItem {
  id: string;
  name: string;
  status: SessionStatus;
  source: 'recorded' | 'imported' | 'replay';
  target_kind: TargetKind;
  /** One line: "embedded (baseline)", "http://svc:8080", ... */
  target: string;
  profile: string | null;
  started_at: string | null;
  duration_s: number;
  requests: number;
  throughput_rps: number | null;
  p95_ms: number | null;
  hit_rate: number | null;
  parent_id: string | null;
}

export interface SessionEvent {
  t_ms: number;
  level: 'info' | 'warn' | 'error';
  kind: string;
  message: string;
}

export interface ConnectionCheck {
  ok: boolean;
  /** One line: what works, or what is wrong and how to fix it. */
  message: string;
  details?: Record<string, unknown>;
  warnings?: string[];
}

export interface ConnectionTestResult {
  target?: ConnectionCheck;
  pg?: ConnectionCheck;
  redis?: ConnectionCheck;
}

export interface KnobInfo {
  name: string;
  type: 'boolean' | 'integer' | 'number';
  description: string;
  defaults: { baseline: boolean | number; optimized: boolean | number };
  min?: number;
  max?: number;
}

export interface EmbeddedDescription {
  profiles: Array<'baseline' | 'optimized'>;
  knobs: KnobInfo[];
}

export interface EmbeddedStatus {
  running: boolean;
  url: string | null;
  profile: string | null;
}


export interface RecordingFinished {
  sessionId: string;
  status: SessionStatus;
  error: string | null;
}

export interface ActiveRecording {
  sessionId: string;
  name: string;
  startedAt: string;
  progress: RecordingProgress | null;
}

export interface ExportResult {
  filename: string;
  mime: string;
  content: string;
}

/** Results of each method. */
export interface ApiResults {
  'sessions/list': SessionListItem[];
  'sessions/get': SessionReport;
  'sessions/delete': { deleted: number };
  'sessions/rename': { id: string; name: string };
  'sessions/events': SessionEvent[];
  'sessions/compare': Comparison;
  'sessions/export': ExportResult;
  'sessions/import': { id: string; name: string };
  'targets/test': ConnectionTestResult;
  'embedded/describe': EmbeddedDescription;
  'embedded/start': EmbeddedStatus;
  'embedded/stop': EmbeddedStatus;
  'embedded/status': EmbeddedStatus;
  'recording/start': { sessionId: string };
  'recording/stop': { sessionId: string };
  'recording/active': ActiveRecording | null;
  'replay/start': { sessionId: string };
}

/** Events the backend pushes. */
export interface ApiEvents {
  'recording/progress': RecordingProgress;
  'recording/finished': RecordingFinished;
  'sessions/changed': { reason: 'created' | 'updated' | 'deleted' | 'imported' };
}

export type WorkbenchApi = { [M in ApiMethod]: (params: ApiParams<M>) => Promise<ApiResults[M]> };

export interface RpcRequest {
  id: number;
  method: string;
  params?: unknown;
}
export type RpcResponse = { id: number; result: unknown } | { id: number; error: { message: string } };
export interface RpcEvent {
  event: keyof ApiEvents;
  data: unknown;
}
