import type { TimelinePoint } from '../profiling/report-types.js';
import type { SessionStatus } from '../store/session-types.js';

/**
 * What the recorder is asked to do, and what it reports while it does it. The CLI and the API
 * both build a RecordOptions; the API validates its wire form with zod (core/api/types.ts),
 * which has the same shape.
 */

export type KnobSetting = string | number | boolean;

export type RecordTarget =
  | {
      kind: 'embedded';
      profile?: 'baseline' | 'optimized';
      knobs?: Record<string, KnobSetting>;
      pg?: string;
      redis?: string;
    }
  | { kind: 'external'; targetUrl: string; pg?: string; redis?: string; redisMonitorS?: number }
  | { kind: 'observe'; pg?: string; redis?: string; redisMonitorS?: number };

export interface RecordLoad {
  users?: number;
  rampUpS?: number;
  durationS?: number;
  coolDownS?: number;
  rate?: number;
  /** "cached=50,unique=30,critical=15,server=5" */
  mix?: string;
  thinkTimeMs?: number;
  seed?: number;
  connections?: number;
}

export interface EmbeddedExtras {
  /** Data set seed and sizes (small sizes make tests fast). */
  seed?: number;
  sizes?: Partial<{ users: number; teams: number; tools: number; servers: number; auditRows: number }>;
  /** false: run the embedded server uninstrumented. */
  profiling?: boolean;
  /** Requests a second the embedded server times in full (null: all; default 1,000). */
  timingBudget?: number | null;
  port?: number;
  embeddedDataDir?: string;
}

export interface RecordOptions {
  name?: string;
  target: RecordTarget;
  load?: RecordLoad;
  embedded?: EmbeddedExtras;
  /** Replay: the session whose trace is re-executed, and how. */
  replay?: { sessionId: string; asFastAsPossible: boolean };
}

/** Pushed once a second while recording (CLI progress line, UI live charts). */
export interface RecordingProgress {
  sessionId: string;
  name: string;
  phase: string;
  elapsed_s: number;
  /** Planned total (ramp-up + sustained + cool-down); null for open-ended runs. */
  total_s: number | null;
  requests: number;
  rps: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  errors: number;
  hit_rate: number | null;
  pool_checked_out: number | null;
  pool_size: number | null;
  point: TimelinePoint | null;
}

export interface RecordingResult {
  sessionId: string;
  status: SessionStatus;
  error: string | null;
}

export interface RecorderHooks {
  onProgress?: (p: RecordingProgress) => void;
  /** Human lines: startup steps, warnings. */
  onLog?: (level: 'info' | 'warn' | 'error', message: string) => void;
}
