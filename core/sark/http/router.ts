import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { errorMessage } from '../../common/errors.js';
import { redactText } from '../../common/redact.js';
import { DependencyUnavailableError } from '../errors.js';
import type { SarkInstrumentation, SpanCtx } from '../instrumentation-types.js';
import { HttpError } from './http-error.js';

/**
 * Node `http`, no framework: a table of routes, JSON in and out. API routes run inside an
 * `http_request` trace (the root of the seed's call graph); /metrics, /health and the report
 * do not, so scraping them never shows up in a profile.
 */

export interface RouteContext {
  req: IncomingMessage;
  url: { pathname: string; searchParams: URLSearchParams };
  /** The request's trace (http_request), to pass to the spans below. */
  span: SpanCtx;
}

export interface RouteResult {
  status: number;
  /** A JSON body, or a text body with its content type. */
  body: unknown;
  contentType?: string;
}

export interface Route {
  method: 'GET' | 'POST';
  path: string;
  traced: boolean;
  handle(ctx: RouteContext): Promise<RouteResult>;
}

/** Shared by every request without a query string; handlers only read it. */
const NO_PARAMS = new URLSearchParams();

function send(res: ServerResponse, result: RouteResult): void {
  const isText = result.contentType !== undefined;
  const body = isText ? String(result.body) : JSON.stringify(result.body);
  res.writeHead(result.status, {
    'content-type': result.contentType ?? 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function errorResult(err: unknown, log: (m: string) => void): RouteResult {
  if (err instanceof HttpError) return { status: err.status, body: { error: err.message } };
  if (err instanceof DependencyUnavailableError) return { status: 503, body: { error: err.message } };
  log(`internal error: ${redactText(err instanceof Error ? (err.stack ?? err.message) : String(err))}`);
  return { status: 500, body: { error: `internal error: ${redactText(errorMessage(err))}` } };
}

export function createRouter(routes: readonly Route[], instr: SarkInstrumentation, log: (m: string) => void): Server {
  const table = new Map<string, Route>();
  const paths = new Set<string>();
  for (const r of routes) {
    table.set(`${r.method} ${r.path}`, r);
    paths.add(r.path);
  }
  const server = createServer((req, res) => {
    // Path and query split by hand: a WHATWG URL per request costs more than the rest of routing.
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const pathname = q < 0 ? raw : raw.slice(0, q);
    const url = { pathname, searchParams: q < 0 ? NO_PARAMS : new URLSearchParams(raw.slice(q + 1)) };
    const route = table.get(`${req.method ?? ''} ${url.pathname}`);
    if (route === undefined) {
      req.resume();
      const status = paths.has(url.pathname) ? 405 : 404;
      send(res, { status, body: { error: status === 405 ? `method ${req.method ?? ''} not allowed on ${url.pathname}` : `no route ${url.pathname}` } });
      return;
    }
    // async, so a handler that throws synchronously is answered like one that rejects.
    const run = async (span: SpanCtx): Promise<RouteResult> => {
      try {
        return await route.handle({ req, url, span });
      } catch (err) {
        return errorResult(err, log);
      }
    };
    // The trace is opened and ended here rather than wrapped around `run` (instr.trace): one
    // promise less per request. `run` never rejects; the second handler is a safety net.
    const span = route.traced ? instr.beginTrace('http_request') : null;
    run(span).then(
      (result) => {
        instr.endSpan(span);
        send(res, result);
      },
      (err: unknown) => {
        instr.endSpan(span, true);
        send(res, errorResult(err, log));
      },
    );
  });
  // Loopback clients (load generators) keep connections open between requests.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 70_000;
  server.requestTimeout = 60_000;
  return server;
}
