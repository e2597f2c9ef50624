import { describe, expect, it } from 'vitest';
import { InfoTracker, OwnCommands, parseInfo } from '../../../core/probes/redis-info.js';

function info(o: { run?: string; total: number; hits: number; misses: number; get?: number; infoCalls?: number; clients?: number }): string {
  return [
    '# Server',
    'redis_version:7.0.15',
    `run_id:${o.run ?? 'abc'}`,
    '# Clients',
    `connected_clients:${o.clients ?? 3}`,
    'blocked_clients:0',
    '# Stats',
    `total_commands_processed:${o.total}`,
    `keyspace_hits:${o.hits}`,
    `keyspace_misses:${o.misses}`,
    'expired_keys:0',
    'evicted_keys:0',
    '# Commandstats',
    `cmdstat_get:calls=${o.get ?? 0},usec=${(o.get ?? 0) * 2},usec_per_call=2.00,rejected_calls=0,failed_calls=0`,
    `cmdstat_info:calls=${o.infoCalls ?? 0},usec=10,usec_per_call=10.00,rejected_calls=0,failed_calls=0`,
    `cmdstat_slowlog|get:calls=${o.infoCalls ?? 0},usec=5,usec_per_call=5.00,rejected_calls=0,failed_calls=0`,
    '# Keyspace',
    'db0:keys=12,expires=3,avg_ttl=0',
    '',
  ].join('\r\n');
}

describe('parseInfo', () => {
  it('reads counters, commandstats with subcommands, and the keyspace', () => {
    const r = parseInfo(info({ total: 100, hits: 7, misses: 3, get: 10, infoCalls: 2 }));
    expect(r.version).toBe('7.0.15');
    expect(r.totalCommands).toBe(100);
    expect(r.hits).toBe(7);
    expect(r.commands.get('get')).toEqual({ calls: 10, usec: 20, rejected: 0, failed: 0 });
    expect(r.commands.get('slowlog|get')?.calls).toBe(2);
    expect(r.keyspace).toEqual({ db0: { keys: 12, expires: 3 } });
  });
});

describe('InfoTracker', () => {
  it("subtracts the probe's own commands and marker misses from the user's traffic", () => {
    const own = new OwnCommands();
    const t = new InfoTracker();
    t.ingest(parseInfo(info({ total: 100, hits: 0, misses: 0 })), 0, own.takeBeforeInfo());
    // between the two INFOs: the first INFO itself, one SLOWLOG GET, one marker GET (a miss)
    own.add('slowlog|get');
    own.add('get');
    own.addMisses(1);
    // the user: 40 GETs, 30 hits and 10 misses
    const d = t.ingest(parseInfo(info({ total: 100 + 40 + 3, hits: 30, misses: 11, get: 41, infoCalls: 1 })), 1000, own.takeBeforeInfo());
    expect(d?.commands).toBe(40);
    expect(d?.hits).toBe(30);
    expect(d?.misses).toBe(10);
    expect(d?.byCommand.get('get')?.calls).toBe(40);
    expect(d?.byCommand.has('info')).toBe(false);
    expect(d?.byCommand.has('slowlog|get')).toBe(false);
  });

  it('never counts negative after a restart and warns', () => {
    const t = new InfoTracker();
    const own = new OwnCommands();
    t.ingest(parseInfo(info({ total: 1000, hits: 500, misses: 50 })), 0, own.takeBeforeInfo());
    const d = t.ingest(parseInfo(info({ run: 'new', total: 20, hits: 5, misses: 2 })), 1000, own.takeBeforeInfo());
    expect(d?.hits).toBe(5);
    expect(d?.misses).toBe(2);
    expect(t.totals.commands).toBeGreaterThanOrEqual(0);
    expect(t.warnings.join(' ')).toMatch(/restarted|reset/);
  });
});
