import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { errorMessage } from '../common/errors.js';
import { redactText } from '../common/redact.js';
import { serveStatic } from './static-files.js';
import { apiParams, type ApiEvents, type ApiMethod, type WorkbenchApi } from './types.js';

/**
 * The local backend: serves the WorkbenchApi over a WebSocket (and, in web mode, the built
 * renderer). Loopback only; every connection must present the per-launch token; browser
 * Origins other than the backend's own are refused (a page on another site cannot drive it);
 * every call is validated with zod; a bad call gets an error reply and never kills the process.
 */

/** Largest frame accepted: an imported report (64 MiB of JSON) plus its envelope. */
const MAX_FRAME_BYTES = 80 * 1024 * 1024;

export interface BackendOptions {
  port?: number;
  /** Where the built renderer is (web mode); omit to serve the API only. */
  rendererDir?: string;
  handlers: WorkbenchApi;
  /** Fixed token (tests); default: 32 random bytes per launch. */
  token?: string;
  /** Extra Origins allowed (Electron's file:// pages send "file://"). */
  allowedOrigins?: string[];
  log?: (line: string) => void;
}

export interface RunningBackend {
  url: string;
  /** The URL to open in a browser, token included. */
  openUrl: string;
  port: number;
  token: string;
  broadcast<E extends keyof ApiEvents>(event: E, data: ApiEvents[E]): void;
  close(): Promise<void>;
}

function tokenMatches(expected: string, given: string | null): boolean {
  if (given === null) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The subprotocol the UI speaks; the token rides beside it as `token.<hex>`. */
export const API_SUBPROTOCOL = 'sark-workbench';
const TOKEN_PROTOCOL_PREFIX = 'token.';

/** The token from `?token=` or from a `token.<hex>` WebSocket subprotocol (kept out of URLs). */
function requestToken(req: IncomingMessage, u: URL): string | null {
  const fromQuery = u.searchParams.get('token');
  if (fromQuery !== null) return fromQuery;
  const header = req.headers['sec-websocket-protocol'];
  const offered = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((s) => s.trim());
  const p = offered.find((x) => x.startsWith(TOKEN_PROTOCOL_PREFIX));
  return p === undefined ? null : p.slice(TOKEN_PROTOCOL_PREFIX.length);
}

function isApiMethod(m: string): m is ApiMethod {
  return Object.prototype.hasOwnProperty.call(apiParams, m);
}

export async function startBackendServer(opts: BackendOptions): Promise<RunningBackend> {
  const token = opts.token ?? randomBytes(32).toString('hex');
  const log = opts.log ?? (() => undefined);
  let port = opts.port ?? 0;
  const server: Server = createServer((req, res) => {
    if (opts.rendererDir) serveStatic(opts.rendererDir, port, req, res);
    else res.writeHead(404).end();
  });
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    // A browser that offered subprotocols requires one back; never echo the token one.
    handleProtocols: (protocols) => (protocols.has(API_SUBPROTOCOL) ? API_SUBPROTOCOL : false),
  });
  const clients = new Set<WebSocket>();

  const allowedOrigin = (origin: string | undefined): boolean => {
    if (origin === undefined) return true; // not a browser: the token is the only credential
    const own = [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
    return own.includes(origin) || (opts.allowedOrigins ?? []).includes(origin);
  };

  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    const reject = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    let u: URL;
    try {
      u = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      reject(400, 'Bad Request');
      return;
    }
    if (u.pathname !== '/api') return reject(404, 'Not Found');
    if (!tokenMatches(token, requestToken(req, u))) {
      log('refused a connection without a valid token');
      return reject(401, 'Unauthorized');
    }
    if (!allowedOrigin(req.headers.origin)) {
      log(`refused a connection from origin ${String(req.headers.origin)}`);
      return reject(403, 'Forbidden');
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('error', () => clients.delete(ws));
    ws.on('message', (raw, isBinary) => {
      void handleMessage(ws, isBinary ? null : raw.toString());
    });
  });

  const reply = (ws: WebSocket, msg: unknown) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  };

  async function handleMessage(ws: WebSocket, text: string | null): Promise<void> {
    let id: number | null = null;
    try {
      if (text === null) throw new Error('binary frames are not accepted');
      let msg: unknown;
      try {
        msg = JSON.parse(text);
      } catch {
        throw new Error('malformed request: not JSON');
      }
      if (msg === null || typeof msg !== 'object') throw new Error('malformed request: expected an object');
      const m = msg as { id?: unknown; method?: unknown; params?: unknown };
      if (typeof m.id === 'number' && Number.isInteger(m.id)) id = m.id;
      else throw new Error('malformed request: "id" must be an integer');
      if (typeof m.method !== 'string' || !isApiMethod(m.method)) throw new Error(`unknown method: ${String(m.method).slice(0, 100)}`);
      const parsed = apiParams[m.method].safeParse(m.params ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'params';
        throw new Error(`invalid params for ${m.method}: ${where}: ${issue?.message ?? 'invalid'}`);
      }
      const handler = opts.handlers[m.method] as (p: unknown) => Promise<unknown>;
      const result = await handler(parsed.data);
      reply(ws, { id, result: result ?? null });
    } catch (err) {
      reply(ws, { id, error: { message: redactText(errorMessage(err)) } });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    openUrl: `${url}/?token=${token}`,
    port,
    token,
    broadcast(event, data) {
      const frame = JSON.stringify({ event, data });
      for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(frame);
    },
    async close() {
      for (const ws of clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
