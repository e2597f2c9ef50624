import { evaluateBatch } from '../batch-evaluator.js';
import { auditAnalytics } from '../data/analytics.js';
import { spanWith } from '../data/deps.js';
import type { PolicyEvaluator } from '../evaluator.js';
import { invalidate } from '../invalidation.js';
import { readJsonBody } from './body.js';
import { captureCpuProfile } from '../../profiling/index.js';
import { HttpError } from './http-error.js';
import type { Route, RouteResult } from './router.js';
import { MAX_BATCH_REQUESTS, parseAnalyticsWindow, parseBatch, parseEvaluate, parseInvalidate } from './schemas.js';

/** Endpoints exactly as ARCHITECTURE.md lists them. */

/** One evaluate request with a generous context fits easily; larger is abuse. */
const EVALUATE_BODY_LIMIT_BYTES = 64 * 1024;
/** ~1 KiB per batch entry at most. */
const BATCH_BODY_LIMIT_BYTES = MAX_BATCH_REQUESTS * 1024;
const ADMIN_BODY_LIMIT_BYTES = 16 * 1024;

export interface RouteDeps {
  evaluator: PolicyEvaluator;
  health(): Promise<{ ok: boolean; body: unknown }>;
}

export function sarkRoutes(app: RouteDeps): Route[] {
  const { evaluator } = app;
  const { instr, cache } = evaluator.deps;
  const json = (body: unknown, status = 200): RouteResult => ({ status, body });
  return [
    {
      method: 'POST',
      path: '/api/v1/policy/evaluate',
      traced: true,
      async handle({ req, span }) {
        // Parsing is not a span of its own: it costs a few microseconds, and every span costs about as much again.
        const body = parseEvaluate(await readJsonBody(req, EVALUATE_BODY_LIMIT_BYTES));
        return json(await evaluator.evaluate(body, span));
      },
    },
    {
      method: 'POST',
      path: '/api/v1/policy/evaluate/batch',
      traced: true,
      async handle({ req, span }) {
        const requests = parseBatch(await readJsonBody(req, BATCH_BODY_LIMIT_BYTES));
        return json({ results: await evaluateBatch(evaluator, requests, span) });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/audit/analytics',
      traced: true,
      async handle({ url, span }) {
        const { from, to } = parseAnalyticsWindow(url.searchParams);
        const t0 = performance.now();
        const rows = await spanWith(evaluator.at(span), 'audit_analytics', (d) => auditAnalytics(d, from, to));
        return json({ from: from.toISOString(), to: to.toISOString(), rows, duration_ms: performance.now() - t0 });
      },
    },
    {
      method: 'POST',
      path: '/api/v1/admin/invalidate',
      traced: true,
      async handle({ req, span }) {
        const request = parseInvalidate(await readJsonBody(req, ADMIN_BODY_LIMIT_BYTES));
        return json(await instr.span(span, 'invalidate_cache', () => invalidate(cache, instr, request)));
      },
    },
    {
      method: 'GET',
      path: '/api/v1/admin/profiling/report',
      traced: false,
      handle() {
        const report = instr.report();
        if (report === null) throw new HttpError(409, 'profiling is disabled on this server (started with profiling: false)');
        return Promise.resolve(json(report));
      },
    },
    {
      // A V8 CPU profile of the server over `ms` (default 5,000; at most 60,000), for Chrome
      // DevTools or speedscope: where the server's own time goes, profiling included.
      method: 'GET',
      path: '/api/v1/admin/profiling/cpu',
      traced: false,
      async handle({ url }) {
        const raw = url.searchParams.get('ms');
        const ms = raw === null ? 5000 : Number(raw);
        if (!Number.isInteger(ms) || ms < 100 || ms > 60_000) throw new HttpError(400, 'ms must be an integer from 100 to 60000');
        return json(await captureCpuProfile(ms));
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      traced: false,
      async handle() {
        const m = await instr.metrics();
        return { status: 200, body: m.body, contentType: m.contentType };
      },
    },
    {
      method: 'GET',
      path: '/health',
      traced: false,
      async handle() {
        const h = await app.health();
        return json(h.body, h.ok ? 200 : 503);
      },
    },
  ];
}
