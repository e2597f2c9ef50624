// The global `performance` is a lazy getter in Node 20; the module's binding is a little cheaper
// on paths that run for every query and cache operation.
import { performance } from 'node:perf_hooks';
import { UsageError } from '../common/errors.js';
import { currentStore, UNSAMPLED } from './context.js';

/**
 * Cache-operation recording for an ioredis client. Every command, direct or pipelined,
 * reaches `redis.sendCommand(command, stream?)` (Pipeline.exec calls it once per queued
 * command, with the pipeline's stream object), so we wrap that one method on the instance and
 * time each recorded command from send to reply by wrapping its resolve/reject.
 *
 * ioredis sends a command through sendCommand again after a reconnect or an offline-queue
 * flush, so a command is marked the first time and never counted twice. Inside MULTI the
 * commands reply "QUEUED"; their real replies come in EXEC's array, which we map back by position.
 */

/** What the instrumentation needs from the analyzer. */
export interface CacheRecorder {
  readonly isEnabled: boolean;
  /** Records without checking enabled/sampling (checked when the command was sent). */
  addChecked(key: string, operation: string, hit: boolean | undefined, durationMs: number, sensitivity?: string, ttlS?: number): void;
}

export interface RedisLike {
  sendCommand: (...args: never[]) => unknown;
}

export interface RedisInstrumentOptions {
  /** Sensitivity level of a key (for the by-sensitivity table), when the key tells it. */
  sensitivityOf?: (key: string) => string | undefined;
}

interface CommandLike {
  name: string;
  args: unknown[];
  resolve: (value: unknown) => unknown;
  reject: (err: unknown) => unknown;
  inTransaction?: boolean;
}

type Kind = 'get' | 'mget' | 'set' | 'setex' | 'psetex' | 'del';

const KINDS: Readonly<Record<string, Kind>> = {
  get: 'get',
  mget: 'mget',
  set: 'set',
  setex: 'setex',
  psetex: 'psetex',
  del: 'del',
  unlink: 'del',
};

interface Queued {
  command: CommandLike;
  kind: Kind | undefined;
  startMs: number;
}

interface ClientState {
  /** Commands sent after a non-pipelined MULTI, until EXEC or DISCARD. */
  directTx: Queued[] | null;
}

const MARK = Symbol.for('sark-workbench.redis-recorded');
const PATCHED = Symbol.for('sark-workbench.redis-patched');

function keyString(k: unknown): string {
  return typeof k === 'string' ? k : String(k);
}

/** TTL in seconds set by SET ... EX s | PX ms, SETEX, PSETEX. */
function ttlOf(kind: Kind, args: unknown[]): number | undefined {
  if (kind === 'setex') return Number(args[1]);
  if (kind === 'psetex') return Number(args[1]) / 1000;
  for (let i = 2; i < args.length - 1; i++) {
    const a = keyString(args[i]).toLowerCase();
    if (a === 'ex') return Number(args[i + 1]);
    if (a === 'px') return Number(args[i + 1]) / 1000;
  }
  return undefined;
}

export function instrumentRedis<T extends RedisLike>(redis: T, recorder: CacheRecorder, options: RedisInstrumentOptions): T {
  if (redis === null || typeof redis !== 'object' || typeof (redis as { sendCommand?: unknown }).sendCommand !== 'function') {
    throw new UsageError('instrument() expects an ioredis client (an object with sendCommand)');
  }
  const marked = redis as unknown as Record<symbol, unknown>;
  if (marked[PATCHED] !== undefined) {
    if (marked[PATCHED] !== recorder) throw new UsageError('this Redis client is already instrumented by another CacheAnalyzer');
    return redis;
  }
  Object.defineProperty(redis, PATCHED, { value: recorder, enumerable: false });
  const sensitivityOf = options.sensitivityOf;
  const state: ClientState = { directTx: null };
  const pipelineTx = new WeakMap<object, Queued[]>();

  const record = (kind: Kind, args: unknown[], reply: unknown, failed: boolean, durationMs: number): void => {
    if (kind === 'mget' || kind === 'del') {
      const op = kind === 'mget' ? 'get' : 'delete';
      for (let i = 0; i < args.length; i++) {
        const key = keyString(args[i]);
        const hit = kind === 'mget' && !failed && Array.isArray(reply) ? reply[i] !== null && reply[i] !== undefined : undefined;
        recorder.addChecked(key, op, hit, durationMs, sensitivityOf?.(key));
      }
      return;
    }
    const key = keyString(args[0]);
    if (kind === 'get') {
      recorder.addChecked(key, 'get', failed ? undefined : reply !== null && reply !== undefined, durationMs, sensitivityOf?.(key));
    } else {
      recorder.addChecked(key, 'set', undefined, durationMs, sensitivityOf?.(key), ttlOf(kind, args));
    }
  };

  const settleQueued = (queued: Queued[], reply: unknown, failed: boolean): void => {
    const now = performance.now();
    const replies = Array.isArray(reply) ? (reply as unknown[]) : null;
    for (let i = 0; i < queued.length; i++) {
      const q = queued[i] as Queued;
      if (q.kind === undefined) continue;
      const r = replies === null ? undefined : replies[i];
      // EXEC aborted by WATCH (null reply) or failed: the reads did not happen.
      if (replies === null || r instanceof Error) continue;
      record(q.kind, q.command.args, r, failed, now - q.startMs);
    }
  };

  const original = (redis as unknown as { sendCommand: (this: unknown, ...a: unknown[]) => unknown }).sendCommand;
  (redis as unknown as { sendCommand: unknown }).sendCommand = function sendCommand(
    this: unknown,
    command: CommandLike,
    stream?: object,
    node?: unknown,
  ): unknown {
    const c = command as CommandLike & { [MARK]?: boolean };
    if (c[MARK] === true || !recorder.isEnabled || currentStore() === UNSAMPLED) {
      return original.call(this, command, stream, node);
    }
    const name = command.name;
    const kind = KINDS[name];
    if (name === 'multi' || name === 'exec' || name === 'discard' || command.inTransaction === true || state.directTx !== null) {
      transaction(command, stream, kind);
      return original.call(this, command, stream, node);
    }
    if (kind === undefined) return original.call(this, command, stream, node);
    c[MARK] = true;
    const startMs = performance.now();
    const resolve = command.resolve;
    const reject = command.reject;
    command.resolve = (value: unknown) => {
      record(kind, command.args, value, false, performance.now() - startMs);
      return resolve(value);
    };
    command.reject = (err: unknown) => {
      record(kind, command.args, undefined, true, performance.now() - startMs);
      return reject(err);
    };
    return original.call(this, command, stream, node);
  };

  /** MULTI bookkeeping: queue commands by position until EXEC replies with all of them. */
  function transaction(command: CommandLike, stream: object | undefined, kind: Kind | undefined): void {
    const c = command as CommandLike & { [MARK]?: boolean };
    c[MARK] = true;
    const name = command.name;
    if (name === 'multi') {
      if (stream === undefined) state.directTx = [];
      else pipelineTx.set(stream, []);
      return;
    }
    const queued = stream === undefined ? state.directTx : (pipelineTx.get(stream) ?? null);
    if (name === 'exec' || name === 'discard') {
      if (stream === undefined) state.directTx = null;
      else pipelineTx.delete(stream);
      if (name === 'discard' || queued === null || queued.length === 0) return;
      const resolve = command.resolve;
      const reject = command.reject;
      command.resolve = (value: unknown) => {
        settleQueued(queued, value, false);
        return resolve(value);
      };
      command.reject = (err: unknown) => reject(err);
      return;
    }
    if (queued !== null) queued.push({ command, kind, startMs: performance.now() });
  }

  return redis;
}
