import { request } from 'undici';
import { UsageError, WorkbenchError } from '../common/errors.js';
import { redactUrl } from '../common/redact.js';

/**
 * A user's own service: before any load is sent (and before a session is created), make sure
 * the URL is well formed and something answers HTTP there, so a typo fails in seconds with a
 * one-line reason instead of a session full of connection errors.
 */

/**
 * The contract is a clear error within 5 s of the command starting, and Node with our modules
 * takes up to ~1.5 s to start on a busy 2-core machine: 4 s answered at 4.7 s on an idle one.
 */
export const TARGET_CHECK_TIMEOUT_MS = 3000;

export function parseTargetUrl(value: string): URL {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new UsageError(`--target-url is not a URL: "${value}" (expected e.g. http://127.0.0.1:8000)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`--target-url must be http:// or https://, got ${u.protocol}`);
  return u;
}

function reason(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string }; message?: string };
  const code = e.code ?? e.cause?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the service running on that port?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name does not resolve';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case 'ECONNRESET':
      return 'connection reset';
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return `no answer within ${TARGET_CHECK_TIMEOUT_MS / 1000} s`;
    default:
      return e.message ?? String(err);
  }
}

/** Resolves with the HTTP status of GET <url>; throws a WorkbenchError naming the problem. */
export async function checkTargetUrl(value: string): Promise<{ status: number }> {
  const u = parseTargetUrl(value);
  try {
    const res = await request(u, {
      method: 'GET',
      headersTimeout: TARGET_CHECK_TIMEOUT_MS,
      bodyTimeout: TARGET_CHECK_TIMEOUT_MS,
      signal: AbortSignal.timeout(TARGET_CHECK_TIMEOUT_MS),
    });
    await res.body.dump();
    return { status: res.statusCode };
  } catch (err) {
    const name = (err as { name?: string }).name;
    const why = name === 'TimeoutError' || name === 'AbortError' ? `no answer within ${TARGET_CHECK_TIMEOUT_MS / 1000} s` : reason(err);
    throw new WorkbenchError(`cannot reach target ${redactUrl(u.toString())}: ${why}`);
  }
}
