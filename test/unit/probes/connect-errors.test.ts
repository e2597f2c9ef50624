import { describe, expect, it } from 'vitest';
import { UsageError, WorkbenchError } from '../../../core/common/errors.js';
import { parseTargetUrl, postgresConnectError, redisConnectError } from '../../../core/probes/connect-errors.js';

const pgTarget = () => parseTargetUrl('Postgres', 'postgres://app:s3cret@db.example:6543/shop', ['postgres:', 'postgresql:'], 5432);
const redisTarget = () => parseTargetUrl('Redis', 'redis://:s3cret@cache.example', ['redis:', 'rediss:'], 6379);

describe('parseTargetUrl', () => {
  it('rejects a bad URL as a usage error without echoing the password', () => {
    expect(() => parseTargetUrl('Postgres', 'not a url', ['postgres:'], 5432)).toThrow(UsageError);
    try {
      parseTargetUrl('Redis', 'http://u:s3cret@h:1', ['redis:', 'rediss:'], 6379);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toMatch(/scheme must be redis or rediss/);
      expect((err as Error).message).not.toContain('s3cret');
    }
  });

  it('names host:port, with the default port', () => {
    expect(pgTarget().hostPort).toBe('db.example:6543');
    expect(redisTarget().hostPort).toBe('cache.example:6379');
    expect(pgTarget().redacted).not.toContain('s3cret');
  });
});

describe('connect error messages', () => {
  const cases: [unknown, RegExp][] = [
    [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), /db\.example:6543: connection refused/],
    [Object.assign(new Error('password authentication failed for user "app"'), { code: '28P01' }), /password authentication failed for user 'app'/],
    [Object.assign(new Error('database "shop" does not exist'), { code: '3D000' }), /database 'shop' does not exist/],
    [Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }), /does not resolve/],
    [Object.assign(new Error('connect timed out'), { code: 'PROBE_TIMEOUT' }), /no answer within 4\.0 s/],
    [new Error('Connection terminated unexpectedly'), /closed the connection during startup/],
  ];
  it.each(cases)('Postgres: %s', (err, expected) => {
    const e = postgresConnectError(pgTarget(), err, 4000);
    expect(e).toBeInstanceOf(WorkbenchError);
    expect(e.exitCode).toBe(1);
    expect(e.message).toMatch(/^cannot connect to Postgres at db\.example:6543: /);
    expect(e.message).toMatch(expected);
    expect(e.message).not.toContain('s3cret');
    expect(e.message).not.toContain('\n');
  });

  it('Redis: auth and protocol errors', () => {
    expect(redisConnectError(redisTarget(), new Error('WRONGPASS invalid username-password pair'), 4000).message).toMatch(/authentication refused/);
    expect(redisConnectError(redisTarget(), new Error('NOAUTH Authentication required.'), 4000).message).toMatch(/authentication required/);
    expect(redisConnectError(redisTarget(), new Error('Protocol error, got "H" as reply type byte.'), 4000).message).toMatch(/is this a Redis server/);
  });
});
