import { z } from 'zod';
import { UsageError } from '../common/errors.js';
import type { DatasetSizes } from './dataset.js';
import { SARK_PROFILE_NAMES, validateKnobOverrides, type SarkKnobs, type SarkProfileName } from './knobs.js';

/**
 * Requests a second the embedded server times in full by default. Timing every span cost 5.6%
 * more server CPU per request than this budget (side by side, ~4,000 req/s each); 1,000 timed
 * requests a second still give percentiles within ~1% after a few seconds.
 */
export const DEFAULT_TIMING_BUDGET = 1_000;

/** How to start an embedded SARK server (startSarkServer, the child entry, `serve --embedded`). */
export interface SarkServerOptions {
  /** 0 (default) picks a free port. The server binds 127.0.0.1 only. */
  port?: number;
  /** Knob preset; default `baseline`. */
  profile?: SarkProfileName;
  /** Knob overrides on top of the profile (`--set name=value`, see parseKnobAssignments). */
  knobs?: Partial<SarkKnobs>;
  /** A Postgres URL: tables go in schema `sark_embedded`. Default: embedded PGlite. */
  pgUrl?: string;
  /** A Redis URL (the DB number in the path is honoured). Default: in-process TTL cache. */
  redisUrl?: string;
  /** Data set seed and sizes (see dataset.ts for defaults). */
  seed?: number;
  sizes?: Partial<DatasetSizes>;
  /** false: run the same code uninstrumented (`--no-profiling`). Default true. */
  profiling?: boolean;
  /**
   * Requests a second whose spans are all timed; above it 1 in k is (call counts stay exact).
   * null: time every request. Default DEFAULT_TIMING_BUDGET (`--timing-budget`).
   */
  timingBudget?: number | null;
  /** Embedded data dir override (default `<userDataDir>/embedded-pg/<dataset key>`). */
  embeddedDataDir?: string;
  /** Progress and warnings (default: stderr, prefixed `[sark]`). */
  log?: (line: string) => void;
}

const sizesSchema = z
  .object({
    users: z.number().int(),
    teams: z.number().int(),
    tools: z.number().int(),
    servers: z.number().int(),
    auditRows: z.number().int(),
  })
  .partial()
  .strict();

const optionsSchema = z
  .object({
    port: z.number().int().min(0).max(65_535).optional(),
    profile: z.enum(SARK_PROFILE_NAMES as [SarkProfileName, ...SarkProfileName[]]).optional(),
    knobs: z.record(z.string(), z.unknown()).optional(),
    pgUrl: z.string().min(1).optional(),
    redisUrl: z.string().min(1).optional(),
    seed: z.number().int().optional(),
    sizes: sizesSchema.optional(),
    profiling: z.boolean().optional(),
    timingBudget: z.number().positive().nullable().optional(),
    embeddedDataDir: z.string().min(1).optional(),
  })
  .strict();

/** Options that arrive as JSON (the child's argument or env var): validated, UsageError naming the bad field. */
export function parseSarkServerOptions(value: unknown): SarkServerOptions {
  const r = optionsSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = issue?.path.map(String).join('.') ?? '';
    throw new UsageError(`invalid SARK server options${path ? ` (${path})` : ''}: ${issue?.message ?? 'unknown error'}`);
  }
  const { knobs, ...rest } = r.data;
  return { ...rest, knobs: validateKnobOverrides(knobs) };
}
