import type { ApiEvents, ApiMethod, ApiParams, ApiResults } from '../../../core/api/types.js';

/**
 * The WebSocket transport of the WorkbenchApi (wire format in core/api/types.ts). One socket per
 * page; it reconnects with backoff when the backend restarts, and calls made while it is down
 * wait for the next connection instead of failing at once.
 */

export type ConnectionState = 'connecting' | 'open' | 'closed';

type EventHandler<E extends keyof ApiEvents> = (data: ApiEvents[E]) => void;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

/** Backoff between reconnect attempts: fast first (the backend restarting), capped so a dead backend costs little. */
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 5_000;
/** A call queued while disconnected fails after this long with a clear message. */
const QUEUED_CALL_TIMEOUT_MS = 15_000;

export class ApiError extends Error {}

export class RpcClient {
  private ws: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly queued: Array<() => void> = [];
  private readonly handlers = new Map<string, Set<(data: unknown) => void>>();
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  private retryMs = RECONNECT_MIN_MS;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  state: ConnectionState = 'connecting';

  constructor(
    private readonly wsUrl: string,
    private readonly protocols: string[] = [],
  ) {}

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.ws?.close();
  }

  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResults[M]> {
    return new Promise<ApiResults[M]>((resolve, reject) => {
      const send = () => {
        const id = this.nextId++;
        this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        this.ws?.send(JSON.stringify({ id, method, params }));
      };
      if (this.state === 'open') {
        send();
        return;
      }
      const timer = setTimeout(() => {
        const i = this.queued.indexOf(wrapped);
        if (i >= 0) this.queued.splice(i, 1);
        reject(new ApiError('the backend is not reachable (is `sark-workbench ui` still running?)'));
      }, QUEUED_CALL_TIMEOUT_MS);
      const wrapped = () => {
        clearTimeout(timer);
        send();
      };
      this.queued.push(wrapped);
    });
  }

  on<E extends keyof ApiEvents>(event: E, handler: EventHandler<E>): () => void {
    let set = this.handlers.get(event);
    if (!set) {
      set = new Set();
      this.handlers.set(event, set);
    }
    const h = handler as (data: unknown) => void;
    set.add(h);
    return () => set.delete(h);
  }

  onState(listener: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private setState(s: ConnectionState): void {
    this.state = s;
    for (const l of this.stateListeners) l(s);
  }

  private open(): void {
    this.setState('connecting');
    const ws = new WebSocket(this.wsUrl, this.protocols);
    this.ws = ws;
    ws.onopen = () => {
      this.retryMs = RECONNECT_MIN_MS;
      this.setState('open');
      for (const send of this.queued.splice(0)) send();
    };
    ws.onmessage = (ev: MessageEvent) => this.receive(String(ev.data));
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      for (const p of this.pending.values()) p.reject(new ApiError('the connection to the backend was lost'));
      this.pending.clear();
      this.setState('closed');
      if (!this.stopped) {
        this.retryTimer = setTimeout(() => this.open(), this.retryMs);
        this.retryMs = Math.min(RECONNECT_MAX_MS, this.retryMs * 2);
      }
    };
  }

  private receive(text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      return; // not ours to crash on: the backend only sends JSON
    }
    if (msg === null || typeof msg !== 'object') return;
    const m = msg as { id?: unknown; result?: unknown; error?: { message?: unknown }; event?: unknown; data?: unknown };
    if (typeof m.event === 'string') {
      for (const h of this.handlers.get(m.event) ?? []) h(m.data);
      return;
    }
    if (typeof m.id !== 'number') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.error) p.reject(new ApiError(typeof m.error.message === 'string' ? m.error.message : 'the backend reported an error'));
    else p.resolve(m.result);
  }
}
