import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';

/** Small local HTTP targets for the load generator tests (127.0.0.1, a free port each). */

export interface TestServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export async function startServer(handler: Handler): Promise<TestServer> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => handler(req, res, body));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** A port nothing listens on: bind one, then close it. */
export async function closedPort(): Promise<number> {
  const s = await startServer(() => undefined);
  await s.close();
  return s.port;
}

/** Answers after `delayMs`, and records how many requests were in progress at each arrival. */
export async function concurrencyServer(delayMs: number): Promise<TestServer & { arrivals: { tMs: number; concurrent: number }[] }> {
  const arrivals: { tMs: number; concurrent: number }[] = [];
  let current = 0;
  let firstMs: number | null = null;
  const s = await startServer((_req, res) => {
    const now = performance.now();
    firstMs ??= now;
    current++;
    arrivals.push({ tMs: now - firstMs, concurrent: current });
    setTimeout(() => {
      current--;
      json(res, 200, { allow: true });
    }, delayMs);
  });
  return Object.assign(s, { arrivals });
}

/** Records every request it receives, in arrival order. */
export async function recordingServer(): Promise<TestServer & { received: { method: string; path: string; body: string }[] }> {
  const received: { method: string; path: string; body: string }[] = [];
  const s = await startServer((req, res, body) => {
    received.push({ method: req.method ?? '', path: req.url ?? '', body });
    json(res, 200, { allow: true, reason: 'ok', cached: false });
  });
  return Object.assign(s, { received });
}
