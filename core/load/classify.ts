import type { ErrorClass } from './types.js';

/**
 * Maps a failed request to its error class. undici reports timeouts with its own codes
 * (UND_ERR_HEADERS_TIMEOUT, UND_ERR_BODY_TIMEOUT, UND_ERR_CONNECT_TIMEOUT); a peer that closes
 * the socket without answering is UND_ERR_SOCKET ("other side closed"), which we count with
 * ECONNRESET and EPIPE as a reset: to the user it is the same broken connection.
 */
const ERROR_CODES: Readonly<Record<string, ErrorClass>> = {
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  ETIMEDOUT: 'timeout',
  ECONNREFUSED: 'connection_refused',
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  UND_ERR_SOCKET: 'connection_reset',
};

export function classifyError(err: unknown): ErrorClass {
  let e: unknown = err;
  // Walk `cause` a few levels: undici wraps socket errors (e.g. SocketError with cause ECONNRESET).
  for (let depth = 0; depth < 4 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      const cls = ERROR_CODES[code];
      if (cls !== undefined && !(cls === 'connection_reset' && code === 'UND_ERR_SOCKET' && hasCause(e))) return cls;
    }
    e = (e as { cause?: unknown }).cause;
  }
  if (typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'UND_ERR_SOCKET') return 'connection_reset';
  return 'other';
}

function hasCause(e: object): boolean {
  const cause = (e as { cause?: unknown }).cause;
  return typeof cause === 'object' && cause !== null && typeof (cause as { code?: unknown }).code === 'string';
}

/** 2xx and 3xx succeed (redirects are not followed: the status is what the target said). */
export function classifyStatus(status: number): ErrorClass | null {
  if (status >= 500) return 'http_5xx';
  if (status >= 400) return 'http_4xx';
  if (status < 100) return 'other';
  return null;
}
