import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MONITOR_COST_WARNING, RedisProbe } from '../../../core/probes/index.js';
import { type ThrowawayRedis, startRedis } from './helpers.js';

/** keyspace_hits / keyspace_misses as the server reports them. */
async function keyspaceStats(r: ThrowawayRedis): Promise<{ hits: number; misses: number }> {
  const text = await r.client.info('stats');
  const get = (k: string) => Number(new RegExp(`^${k}:(\\d+)`, 'm').exec(text)?.[1]);
  return { hits: get('keyspace_hits'), misses: get('keyspace_misses') };
}

const HIT_KEYS = 40;

async function notifyEvents(r: ThrowawayRedis): Promise<string> {
  return ((await r.client.config('GET', 'notify-keyspace-events')) as string[])[1] ?? '';
}

// Server-global statistics (INFO, CONFIG, MONITOR): each test gets its own redis-server.
describe('RedisProbe', () => {
  let redis: ThrowawayRedis;
  beforeEach(async () => {
    redis = await startRedis();
    for (let i = 0; i < HIT_KEYS; i++) await redis.client.set(`policy:user-${i}:tool:invoke`, '1');
  });
  afterEach(async () => {
    await redis?.stop();
  });

  it('counts hits and misses exactly as INFO does, and as the workload made them', async () => {
    const probe = await RedisProbe.connect(redis.url);
    try {
      const before = await keyspaceStats(redis);
      await probe.start(200);
      const n = 300; // GETs of existing keys
      const m = 120; // GETs of missing keys
      for (let i = 0; i < n; i++) await redis.client.get(`policy:user-${i % HIT_KEYS}:tool:invoke`);
      for (let i = 0; i < m; i++) await redis.client.get(`policy:user-missing-${i}:tool:invoke`);
      await new Promise((r) => setTimeout(r, 500)); // let a few samples run mid-workload-free time
      await probe.stop();
      const after = await keyspaceStats(redis);
      const s = probe.toReportSections();
      expect(after.hits - before.hits).toBe(n);
      expect(after.misses - before.misses).toBe(m);
      expect(s.cache.hits).toBe(n);
      expect(s.cache.misses).toBe(m);
      expect(s.cache.hit_rate).toBeCloseTo(n / (n + m), 10);
      expect(s.cache.gets).toBe(n + m);
      expect(s.cache.source).toBe('redis_info');
      // Only the workload's commands: INFO and SLOWLOG of the probe are subtracted.
      expect(s.redis.total_commands).toBe(n + m);
      expect(s.redis.commandstats.map((c) => c.command)).toEqual(['get']);
      expect(s.redis.ops_per_s).toBeGreaterThan(0);
    } finally {
      await probe.close();
    }
  });

  it('gives ops and hit rate per key pattern with MONITOR, restores notify-keyspace-events, and leaves itself out', async () => {
    await redis.client.config('SET', 'notify-keyspace-events', 'Kx');
    const probe = await RedisProbe.connect(redis.url, { monitor: { seconds: 600 } });
    try {
      expect((await probe.check()).warnings).toContain(MONITOR_COST_WARNING);
      const before = await keyspaceStats(redis);
      await probe.start(200);
      // policy:user:*  -> 50 hits, 10 misses; team:membership:* -> 5 sets, 20 gets (5 hits, 15 misses)
      for (let i = 0; i < 50; i++) await redis.client.get(`policy:user-${i % HIT_KEYS}:tool:invoke`);
      for (let i = 0; i < 10; i++) await redis.client.get(`policy:user-${1000 + i}:tool:invoke`);
      for (let i = 0; i < 5; i++) await redis.client.set(`team:membership:${i}`, 'member');
      for (let i = 0; i < 20; i++) await redis.client.get(`team:membership:${i}`);
      // one MGET: 2 hits (policy) + 1 miss (user:role)
      await redis.client.mget('policy:user-1:tool:invoke', 'policy:user-2:tool:invoke', 'user:role:user-5');
      await probe.stop();
      const after = await keyspaceStats(redis);
      const s = probe.toReportSections();
      const byPattern = Object.fromEntries(s.cache.by_pattern.map((p) => [p.pattern, p]));
      expect(byPattern['policy:user:*']).toMatchObject({ operations: 62, hits: 52, misses: 10, reads: 62, writes: 0 });
      expect(byPattern['team:membership:*']).toMatchObject({ operations: 25, hits: 5, misses: 15, reads: 20, writes: 5 });
      expect(byPattern['user:role:*']).toMatchObject({ operations: 1, hits: 0, misses: 1 });
      expect(byPattern['policy:user:*']?.hit_rate).toBeCloseTo(52 / 62, 10);
      expect(Object.keys(byPattern).sort()).toEqual(['policy:user:*', 'team:membership:*', 'user:role:*']);
      expect(s.redis.monitor).toMatchObject({ commands_seen: 50 + 10 + 5 + 20 + 1, complete: true, restored: true, previous_notify_keyspace_events: 'xK' });
      // The probe's own marker lookups are in INFO but not in what it reports.
      expect(after.hits - before.hits).toBe(57);
      expect(after.misses - before.misses).toBe(26 + 2);
      expect(s.cache.hits).toBe(57);
      expect(s.cache.misses).toBe(26);
      expect(s.cache.source).toBe('redis_info+monitor');
      expect(s.warnings).toContain(MONITOR_COST_WARNING);
      expect((await notifyEvents(redis))).toBe('xK');
    } finally {
      await probe.close();
    }
  });

  it('restores notify-keyspace-events when closed without stop, and when MONITOR is cut off', async () => {
    const probe = await RedisProbe.connect(redis.url, { monitor: { seconds: 600 } });
    await probe.start(200);
    expect((await notifyEvents(redis))).toMatch(/^(Em|mE)$/);
    await redis.client.get('policy:user-1:tool:invoke');
    // Someone kills the MONITOR connection: the probe carries on and still restores the setting.
    const clients = (await redis.client.call('client', 'list')) as string;
    const monitorId = /^id=(\d+) .*flags=O/m.exec(clients)?.[1];
    expect(monitorId).toBeDefined();
    await redis.client.call('client', 'kill', 'id', monitorId as string);
    await probe.close();
    expect((await notifyEvents(redis))).toBe('');
    const s = probe.toReportSections();
    expect(s.warnings.join('\n')).toMatch(/MONITOR stopped early/);
    expect(s.redis.monitor).toMatchObject({ complete: false, restored: true });
  });

  it('ends MONITOR after the requested seconds and restores the setting while INFO sampling goes on', async () => {
    const probe = await RedisProbe.connect(redis.url, { monitor: { seconds: 0.5 } });
    try {
      await probe.start(200);
      const deadline = Date.now() + 30_000;
      while ((await notifyEvents(redis)) !== '' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect((await notifyEvents(redis))).toBe('');
      await redis.client.get('policy:user-1:tool:invoke'); // after MONITOR ended: in INFO only
      await probe.stop();
      const s = probe.toReportSections();
      expect(s.cache.hits).toBe(1);
      expect(s.redis.monitor?.commands_seen).toBe(0);
      expect(s.redis.monitor?.restored).toBe(true);
    } finally {
      await probe.close();
    }
  });

  it('lists new SLOWLOG entries of other clients only', async () => {
    await redis.client.call('slowlog', 'reset');
    await redis.client.config('SET', 'slowlog-log-slower-than', '0');
    await redis.client.get('before-the-window');
    const probe = await RedisProbe.connect(redis.url);
    try {
      await probe.start(200);
      await redis.client.call('client', 'setname', 'app');
      await redis.client.get('policy:user-7:tool:invoke');
      await redis.client.set('audit:last', 'x');
      await probe.stop();
      const s = probe.toReportSections();
      const commands = s.redis.slowlog.map((e) => e.command);
      expect(commands).toEqual(expect.arrayContaining(['get policy:user-7:tool:invoke', 'set audit:last x']));
      expect(commands).not.toContain('get before-the-window');
      expect(s.redis.slowlog.some((e) => e.client_name === 'sark-workbench-probe')).toBe(false);
      expect(s.redis.slowlog.every((e) => e.duration_us >= 0 && !Number.isNaN(Date.parse(e.at)))).toBe(true);
    } finally {
      await probe.close();
    }
  });
});
