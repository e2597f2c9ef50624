import { z } from 'zod';
import { INVALIDATION_TRIGGERS, type InvalidationRequest } from '../invalidation.js';
import type { EvaluationRequest } from '../decision-steps.js';
import { HttpError } from './http-error.js';

/**
 * Request validation (zod) at the HTTP boundary. Ids are restricted to letters, digits, `_`,
 * `.`, `-`: they become parts of cache keys and of SCAN patterns, so glob characters (`*`,
 * `?`, `[`) and the key separator `:` must never get through.
 */
const ID_RE = /^[A-Za-z0-9_.-]{1,128}$/;
const ACTION_RE = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
/** Largest batch accepted by POST /api/v1/policy/evaluate/batch. */
export const MAX_BATCH_REQUESTS = 500;

const id = (what: string) => z.string().regex(ID_RE, `${what} must be 1-128 letters, digits, '_', '.' or '-'`);

export const evaluateSchema = z
  .object({
    user_id: id('user_id'),
    action: z.string().regex(ACTION_RE, 'action must be an identifier (letters, digits, _ . -)'),
    tool_id: id('tool_id').optional(),
    server_id: id('server_id').optional(),
    context: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((v) => (v.tool_id === undefined) !== (v.server_id === undefined), { message: 'give exactly one of tool_id and server_id' });

export const batchSchema = z.object({
  requests: z.array(evaluateSchema).min(1, 'requests must not be empty').max(MAX_BATCH_REQUESTS, `at most ${MAX_BATCH_REQUESTS} requests per batch`),
});

export const invalidateSchema = z.discriminatedUnion('trigger', [
  z.object({ trigger: z.literal('user_role_change'), user_id: id('user_id') }),
  z.object({ trigger: z.literal('team_membership_update'), user_id: id('user_id'), team_id: id('team_id').optional() }),
  z.object({ trigger: z.literal('policy_update') }),
  z.object({ trigger: z.literal('tool_sensitivity_change'), tool_id: id('tool_id') }),
  z.object({ trigger: z.literal('manual_flush') }),
]);

function describe(error: z.ZodError, root: string): string {
  const issue = error.issues[0];
  if (issue === undefined) return `invalid ${root}`;
  if (issue.code === 'invalid_union' && issue.path.length === 1 && issue.path[0] === 'trigger') {
    return `trigger must be one of ${INVALIDATION_TRIGGERS.join(', ')}`;
  }
  const path = issue.path.map(String).join('.');
  return path === '' ? issue.message : `${path}: ${issue.message}`;
}

function parse<T>(schema: z.ZodType<T>, value: unknown, root: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new HttpError(400, describe(r.error, root));
  return r.data;
}

export function parseEvaluate(value: unknown): EvaluationRequest {
  return parse(evaluateSchema, value, 'request') as EvaluationRequest;
}

export function parseBatch(value: unknown): EvaluationRequest[] {
  return parse(batchSchema, value, 'request').requests as EvaluationRequest[];
}

export function parseInvalidate(value: unknown): InvalidationRequest {
  if (typeof value === 'object' && value !== null && 'trigger' in value) {
    const t = (value as { trigger: unknown }).trigger;
    if (typeof t !== 'string' || !(INVALIDATION_TRIGGERS as readonly string[]).includes(t)) {
      throw new HttpError(400, `trigger must be one of ${INVALIDATION_TRIGGERS.join(', ')}`);
    }
  }
  return parse(invalidateSchema, value, 'request') as InvalidationRequest;
}

/** `from`/`to` query parameters: ISO 8601 instants; default the last 24 hours. */
export function parseAnalyticsWindow(params: URLSearchParams, nowMs = Date.now()): { from: Date; to: Date } {
  const read = (name: string, fallbackMs: number): Date => {
    const raw = params.get(name);
    if (raw === null || raw === '') return new Date(fallbackMs);
    const ms = Date.parse(raw);
    if (!Number.isFinite(ms)) throw new HttpError(400, `${name} must be an ISO 8601 date-time, got '${raw.slice(0, 64)}'`);
    return new Date(ms);
  };
  const to = read('to', nowMs);
  const from = read('from', to.getTime() - 86_400_000);
  if (from.getTime() > to.getTime()) throw new HttpError(400, 'from must not be after to');
  return { from, to };
}
