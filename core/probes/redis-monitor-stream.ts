import net from 'node:net';
import tls from 'node:tls';
import { EventEmitter } from 'node:events';

/**
 * A raw MONITOR connection. ioredis has monitor(), but it splits arguments on `" "` and does
 * not undo Redis's escaping, so keys with quotes, spaces or binary bytes would land in the
 * wrong pattern. MONITOR output is a stream of RESP simple strings, simple to read directly.
 */

export interface MonitorEvent {
  /** Server time, epoch seconds with microseconds. */
  time: number;
  db: number;
  /** `ip:port` of the client, `lua`, or `unix:path`. */
  source: string;
  args: string[];
}

const ESCAPES: Record<string, number> = { n: 10, r: 13, t: 9, a: 7, b: 8 };

/**
 * Undoes sdscatrepr(): `"a\"b" "\xc3\xa9"` -> ['a"b', 'é']. Redis escapes every byte that is
 * not printable ASCII, so arguments are rebuilt as bytes and decoded as UTF-8 (as the keymiss
 * notifications are). Returns null for a malformed line.
 */
export function parseMonitorArgs(text: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === ' ') {
      i++;
      continue;
    }
    if (text[i] !== '"') return null;
    i++;
    const bytes: number[] = [];
    for (;;) {
      if (i >= text.length) return null;
      const c = text[i] as string;
      if (c === '"') {
        i++;
        break;
      }
      if (c === '\\' && i + 1 < text.length) {
        const n = text[i + 1] as string;
        if (n === 'x' && i + 3 < text.length) {
          bytes.push(Number.parseInt(text.slice(i + 2, i + 4), 16));
          i += 4;
          continue;
        }
        bytes.push(ESCAPES[n] ?? n.charCodeAt(0));
        i += 2;
        continue;
      }
      bytes.push(c.charCodeAt(0) & 0xff);
      i++;
    }
    out.push(Buffer.from(bytes).toString('utf8'));
  }
  return out;
}

/** `1339518083.107412 [0 127.0.0.1:60866] "keys" "*"` -> event; null if not a MONITOR line. */
export function parseMonitorLine(line: string): MonitorEvent | null {
  const m = /^(\d+(?:\.\d+)?) \[(\d+) ([^\]]*)\] (.*)$/s.exec(line);
  if (!m) return null;
  const args = parseMonitorArgs(m[4] as string);
  if (args === null) return null;
  return { time: Number(m[1]), db: Number(m[2]), source: m[3] as string, args };
}

function resp(args: readonly string[]): string {
  return `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('');
}

export interface MonitorStreamOptions {
  url: URL;
  clientName: string;
  connectTimeoutMs: number;
}

/**
 * Emits 'event' (MonitorEvent) and 'error'. start() resolves once the server answered MONITOR.
 * A line that is not a MONITOR line (a reply to AUTH/SETNAME) is consumed as a reply.
 */
export class MonitorStream extends EventEmitter {
  private socket: net.Socket | null = null;
  private buffer = '';
  private pendingReplies: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private monitoring = false;

  constructor(private readonly options: MonitorStreamOptions) {
    super();
  }

  async start(): Promise<void> {
    const { url, connectTimeoutMs } = this.options;
    const port = url.port === '' ? 6379 : Number(url.port);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const socket =
      url.protocol === 'rediss:' ? tls.connect({ host, port, servername: host }) : net.connect({ host, port });
    this.socket = socket;
    socket.setEncoding('latin1');
    socket.setNoDelay(true);
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('MONITOR connection closed')));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('MONITOR connection timed out')), connectTimeoutMs);
      socket.once(url.protocol === 'rediss:' ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    const password = decodeURIComponent(url.password);
    const user = decodeURIComponent(url.username);
    if (password !== '') await this.send(user !== '' ? ['AUTH', user, password] : ['AUTH', password]);
    await this.send(['CLIENT', 'SETNAME', this.options.clientName]);
    await this.send(['MONITOR']);
    this.monitoring = true;
  }

  private send(args: readonly string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pendingReplies.push({ resolve, reject });
      this.socket?.write(resp(args), 'latin1');
    });
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\r\n')) >= 0) {
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      if (line.startsWith('-')) {
        const waiter = this.pendingReplies.shift();
        const err = new Error(line.slice(1));
        if (waiter) waiter.reject(err);
        else this.emit('error', err);
        continue;
      }
      if (!line.startsWith('+')) continue;
      const body = line.slice(1);
      if (this.monitoring || this.pendingReplies.length === 0) {
        const event = parseMonitorLine(body);
        if (event) this.emit('event', event);
        continue;
      }
      this.pendingReplies.shift()?.resolve();
    }
  }

  private fail(err: Error): void {
    for (const w of this.pendingReplies.splice(0)) w.reject(err);
    if (this.monitoring) {
      this.monitoring = false;
      this.emit('error', err);
    }
  }

  close(): void {
    this.monitoring = false;
    this.removeAllListeners('event');
    this.socket?.destroy();
    this.socket = null;
  }
}
