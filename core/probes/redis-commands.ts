/**
 * Which arguments of a Redis command are keys, and which commands look keys up the way that
 * counts in INFO's keyspace_hits/keyspace_misses (and fires `keymiss`): Redis counts lookups
 * made for reading (lookupKeyRead*), not those made for writing (SET, INCR, DEL...).
 * Commands outside these tables are counted as unattributed rather than guessed at.
 */

/** Read commands whose single key (argument 1) is looked up for reading. */
const READ_FIRST_KEY = new Set([
  'get', 'getex', 'getdel', 'getset', 'strlen', 'getrange', 'substr', 'getbit', 'bitcount', 'bitpos',
  'type', 'ttl', 'pttl', 'expiretime', 'pexpiretime', 'dump',
  'hget', 'hmget', 'hgetall', 'hexists', 'hlen', 'hkeys', 'hvals', 'hstrlen', 'hrandfield', 'hscan',
  'lrange', 'llen', 'lindex', 'lpos',
  'smembers', 'sismember', 'smismember', 'scard', 'srandmember', 'sscan',
  'zrange', 'zrangebyscore', 'zrangebylex', 'zrevrange', 'zrevrangebyscore', 'zrevrangebylex', 'zscore', 'zmscore',
  'zcard', 'zcount', 'zlexcount', 'zrank', 'zrevrank', 'zscan', 'zrandmember',
  'xrange', 'xrevrange', 'xlen',
]);

/** Read commands whose every argument is a key. */
const READ_ALL_KEYS = new Set(['mget', 'exists']);

/** Write commands whose single key is argument 1. */
const WRITE_FIRST_KEY = new Set([
  'set', 'setex', 'psetex', 'setnx', 'append', 'setrange', 'setbit', 'incr', 'incrby', 'incrbyfloat', 'decr', 'decrby',
  'expire', 'pexpire', 'expireat', 'pexpireat', 'persist', 'rename', 'renamenx',
  'hset', 'hsetnx', 'hmset', 'hdel', 'hincrby', 'hincrbyfloat',
  'lpush', 'rpush', 'lpushx', 'rpushx', 'lpop', 'rpop', 'lrem', 'ltrim', 'lset', 'linsert',
  'sadd', 'srem', 'spop', 'zadd', 'zrem', 'zincrby', 'zpopmin', 'zpopmax', 'zremrangebyscore', 'zremrangebyrank',
  'xadd', 'xdel', 'xtrim', 'pfadd', 'restore',
]);

/** Write commands whose every argument is a key. */
const WRITE_ALL_KEYS = new Set(['del', 'unlink', 'touch']);

/** Write commands taking key value pairs. */
const WRITE_PAIRS = new Set(['mset', 'msetnx']);

export interface CommandKeys {
  keys: string[];
  /** Whether the keys are looked up for reading (counted as hits or misses by Redis). */
  read: boolean;
}

/** Keys of a command as MONITOR shows it (args[0] is the command); null when unknown. */
export function commandKeys(args: readonly string[]): CommandKeys | null {
  const name = (args[0] ?? '').toLowerCase();
  if (args.length < 2) return null;
  if (READ_FIRST_KEY.has(name)) return { keys: [args[1] as string], read: true };
  if (READ_ALL_KEYS.has(name)) return { keys: args.slice(1), read: true };
  if (WRITE_FIRST_KEY.has(name)) return { keys: [args[1] as string], read: false };
  if (WRITE_ALL_KEYS.has(name)) return { keys: args.slice(1), read: false };
  if (WRITE_PAIRS.has(name)) return { keys: args.slice(1).filter((_, i) => i % 2 === 0), read: false };
  return null;
}

/** commandstats names of the read, set and delete families (the cache section's gets/sets/deletes). */
export const READ_COMMANDS: readonly string[] = [...READ_FIRST_KEY, ...READ_ALL_KEYS];
export const SET_COMMANDS: readonly string[] = ['set', 'setex', 'psetex', 'setnx', 'mset', 'msetnx', 'hset', 'hsetnx', 'hmset'];
export const DELETE_COMMANDS: readonly string[] = ['del', 'unlink'];
