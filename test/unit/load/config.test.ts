import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../core/common/errors.js';
import { formatMix, parseIdRange, parseLoadConfig, parseMix } from '../../../core/load/index.js';

function configError(input: unknown): string {
  try {
    parseLoadConfig(input);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('load config', () => {
  it('fills the defaults: closed model, the seed mix, the embedded id ranges', () => {
    const c = parseLoadConfig({ target: 'http://127.0.0.1:8000' }, 1_000);
    expect(c).toMatchObject({ users: 10, rampUpS: 0, durationS: 10, coolDownS: 0, rate: null, seed: 1, connections: 10, trace: true });
    expect(formatMix(c.mix)).toBe('cached=50,unique=30,critical=15,server=5');
    expect(c.requests.userIds).toEqual({ prefix: 'user-', first: 1, last: 5000 });
    expect(c.requests.analyticsEndMs).toBe(1_000);
    expect(c.requests.criticalTools).toHaveLength(100);
    // Resolving a resolved config changes nothing: it can be stored and passed to a worker.
    expect(parseLoadConfig(JSON.parse(JSON.stringify(c)))).toEqual(c);
  });

  it('gives the open model enough connections for its rate', () => {
    expect(parseLoadConfig({ target: 'http://h:1', rate: 500 }).connections).toBe(64);
    expect(parseLoadConfig({ target: 'http://h:1', rate: 500, connections: 4 }).connections).toBe(4);
  });

  it('names the field of a bad value', () => {
    expect(configError({ target: 'http://h:1', users: 0 })).toMatch(/^invalid load config: users: .*>=1/);
    expect(configError({ target: 'http://h:1', durationS: -1 })).toMatch(/durationS/);
    expect(configError({ target: 'http://h:1', rate: 'fast' })).toMatch(/rate: .*number/);
    expect(configError({ target: 'http://h:1', usrs: 3 })).toMatch(/unrecognized key.*usrs/i);
    expect(configError({ target: 'ftp://h:1' })).toMatch(/target: protocol must be http or https/);
    expect(configError({ target: 'http://user:secret@' })).not.toMatch(/secret/);
    expect(configError({})).toMatch(/target/);
    expect(configError({ target: 'http://h:1', requests: { template: { method: 'GET', path: '/x/{{team}}' } } })).toMatch(
      /requests\.template\.path: unknown variable \{\{team\}\}/,
    );
    expect(configError({ target: 'http://h:1', requests: { toolIds: 'tool-9..3' } })).toMatch(/requests\.toolIds: last \(3\) is below first \(9\)/);
    expect(configError({ target: 'http://h:1', requests: { actions: ['a"b'] } })).toMatch(/requests\.actions\.0/);
    expect(configError({ target: 'http://h:1', mix: { cached: 1, hot: 2 } })).toMatch(/mix: unknown kind 'hot'/);
    expect(configError({ target: 'http://h:1', mix: 'cached=0' })).toMatch(/mix: at least one kind/);
    expect(configError('nonsense')).toMatch(/invalid load config/);
  });
});

describe('parseMix (the --mix string)', () => {
  it('parses the CLI form; left-out kinds weigh 0', () => {
    expect(parseMix('cached=50,unique=30,critical=15,server=5')).toEqual({ cached: 50, unique: 30, critical: 15, server: 5 });
    expect(parseMix(' unique = 1 ')).toEqual({ cached: 0, unique: 1, critical: 0, server: 0 });
  });

  it('says precisely what is wrong', () => {
    const err = (s: string) => {
      try {
        parseMix(s);
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        return (e as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(err('cache=50')).toBe("--mix: unknown kind 'cache' in 'cache=50' (kinds: cached, unique, critical, server)");
    expect(err('cached=50,unique')).toMatch(/'unique' is not kind=weight/);
    expect(err('cached=-5')).toMatch(/weight of 'cached' must be a non-negative number, got '-5'/);
    expect(err('cached=x')).toMatch(/got 'x'/);
    expect(err('cached=1,cached=2')).toMatch(/'cached' given twice/);
    expect(err('')).toMatch(/--mix: empty/);
    expect(err('cached=1,,unique=2')).toMatch(/empty entry/);
  });
});

describe('parseIdRange', () => {
  it('reads prefix..last, prefix..prefix-last and a bare count', () => {
    expect(parseIdRange('user-1..5000', 'user-', 'ids')).toEqual({ prefix: 'user-', first: 1, last: 5000 });
    expect(parseIdRange('tool-5..tool-9', 'tool-', 'ids')).toEqual({ prefix: 'tool-', first: 5, last: 9 });
    expect(parseIdRange('300', 'server-', 'ids')).toEqual({ prefix: 'server-', first: 1, last: 300 });
    expect(() => parseIdRange('users', 'user-', '--users-ids')).toThrow(/--users-ids: 'users' is not an id range/);
  });
});
