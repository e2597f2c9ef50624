import { Pool } from 'undici';
import type { LoadConfig } from './config.js';
import type { RequestSlot } from './slot.js';
import type { PlannedRequest, RecordedRequest } from './types.js';

/**
 * The HTTP side of a run: one undici Pool to the target's origin (`connections` keep-alive
 * sockets, pipelining 1 so a request's latency is its own), the target's base path, and the
 * headers, built once and shared by every request.
 */
export class HttpSender {
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly headersWithBody: Record<string, string>;
  private readonly headersNoBody: Record<string, string> | undefined;

  constructor(config: LoadConfig) {
    const url = new URL(config.target);
    this.basePath = url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, '');
    const extra = config.requests.template.headers ?? {};
    const hasType = Object.keys(extra).some((k) => k.toLowerCase() === 'content-type');
    this.headersWithBody = hasType ? { ...extra } : { 'content-type': 'application/json', ...extra };
    this.headersNoBody = Object.keys(extra).length > 0 ? { ...extra } : undefined;
    this.pool = new Pool(url.origin, {
      connections: config.connections,
      pipelining: 1,
      connect: { timeout: config.timeoutMs },
      headersTimeout: config.timeoutMs,
      bodyTimeout: config.timeoutMs,
    });
  }

  /** Sends req with the slot as its handler; the slot's options object is reused, not reallocated. */
  send(slot: RequestSlot, req: PlannedRequest | RecordedRequest): void {
    const o = slot.opts;
    o.path = this.basePath === '' ? req.path : this.basePath + req.path;
    o.method = req.method;
    o.body = req.body;
    o.headers = req.body === null ? this.headersNoBody : this.headersWithBody;
    this.pool.dispatch(o, slot);
  }

  /** Closes the sockets once idle (every request has completed). */
  close(): Promise<void> {
    return this.pool.close();
  }

  /** Fails whatever is still in flight or queued (each request's handler gets an error) and closes. */
  destroy(): Promise<void> {
    return this.pool.destroy();
  }
}
