import { UsageError, WorkbenchError, errorMessage } from '../common/errors.js';
import { redactText, redactUrl } from '../common/redact.js';

/**
 * Connection failures turned into one actionable line that names host:port and never the
 * password. The CLI prints these as `error: ...` (ARCHITECTURE.md), the UI's "test connection"
 * shows them as is.
 */

/** The bound: a bad target must be reported within 5 s. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 4_000;

export interface ParsedTarget {
  url: URL;
  /** `host:port` for messages. */
  hostPort: string;
  /** Redacted URL for messages, check() and the store. */
  redacted: string;
}

export function parseTargetUrl(kind: 'Postgres' | 'Redis', raw: string, protocols: readonly string[], defaultPort: number): ParsedTarget {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`invalid ${kind} URL '${redactUrl(raw)}': expected ${protocols[0]}//host:port/...`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new UsageError(`invalid ${kind} URL '${redactUrl(raw)}': scheme must be ${protocols.map((p) => p.slice(0, -1)).join(' or ')}`);
  }
  if (url.hostname === '') throw new UsageError(`invalid ${kind} URL '${redactUrl(raw)}': no host`);
  const port = url.port === '' ? defaultPort : Number(url.port);
  return { url, hostPort: `${url.hostname}:${port}`, redacted: redactUrl(raw) };
}

interface ErrorLike {
  code?: unknown;
  message?: unknown;
}

function codeOf(err: unknown): string {
  const code = (err as ErrorLike | null)?.code;
  return typeof code === 'string' ? code : '';
}

/** Network-level causes shared by both probes; null when the error is not one of them. */
function networkReason(err: unknown, timeoutMs: number): string | null {
  const code = codeOf(err);
  const msg = errorMessage(err);
  if (code === 'ECONNREFUSED') return 'connection refused (is the server running and listening on that port?)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host name does not resolve';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'host unreachable';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'connection reset by the server';
  if (code === 'ETIMEDOUT' || code === 'PROBE_TIMEOUT' || /timeout|timed out/i.test(msg)) {
    return `no answer within ${(timeoutMs / 1000).toFixed(1)} s (host unreachable, firewalled, or not this kind of server)`;
  }
  return null;
}

export function postgresConnectError(target: ParsedTarget, err: unknown, timeoutMs: number): WorkbenchError {
  const where = `Postgres at ${target.hostPort}`;
  const user = decodeURIComponent(target.url.username) || 'the default user';
  const database = decodeURIComponent(target.url.pathname.replace(/^\//, '')) || user;
  const code = codeOf(err);
  let reason = networkReason(err, timeoutMs);
  if (reason === null) {
    switch (code) {
      case '28P01':
        reason = `password authentication failed for user '${user}'`;
        break;
      case '28000':
        reason = `authentication refused for user '${user}': ${redactText(errorMessage(err))}`;
        break;
      case '3D000':
        reason = `database '${database}' does not exist`;
        break;
      case '57P03':
        reason = 'the server is starting up or shutting down';
        break;
      case '53300':
        reason = 'too many connections (max_connections reached)';
        break;
      default:
        if (/terminated unexpectedly|ended unexpectedly/i.test(errorMessage(err))) {
          reason = 'the server closed the connection during startup (is this a Postgres server?)';
        } else if (/password|SASL|SCRAM/i.test(errorMessage(err))) {
          reason = `authentication failed for user '${user}': ${redactText(errorMessage(err))}`;
        } else {
          reason = redactText(errorMessage(err));
        }
    }
  }
  return new WorkbenchError(`cannot connect to ${where}: ${reason}`, 1, { cause: err });
}

export function redisConnectError(target: ParsedTarget, err: unknown, timeoutMs: number): WorkbenchError {
  const where = `Redis at ${target.hostPort}`;
  const msg = errorMessage(err);
  let reason = networkReason(err, timeoutMs);
  if (reason === null) {
    if (/WRONGPASS|invalid password|invalid username-password/i.test(msg)) {
      reason = 'authentication refused (wrong username or password)';
    } else if (/NOAUTH/i.test(msg)) {
      reason = 'authentication required: put the password in the URL (redis://:PASSWORD@host:port)';
    } else if (/NOPERM/i.test(msg)) {
      reason = `the user lacks a permission the probe needs: ${redactText(msg)}`;
    } else if (/Protocol error|unexpected reply/i.test(msg)) {
      reason = 'unexpected reply (is this a Redis server?)';
    } else if (/DB index is out of range/i.test(msg)) {
      reason = 'database number out of range';
    } else {
      reason = redactText(msg);
    }
  }
  return new WorkbenchError(`cannot connect to ${where}: ${reason}`, 1, { cause: err });
}

/** Rejects with a PROBE_TIMEOUT error if `work` has not settled within timeoutMs. */
export async function withDeadline<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('connect timed out'), { code: 'PROBE_TIMEOUT' })), timeoutMs);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
