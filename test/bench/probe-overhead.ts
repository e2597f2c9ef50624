/**
 * What watching costs the watched server: throughput of a point-select loop on Postgres and a
 * GET loop on Redis, bare vs with the probe sampling (and, for Redis, with opt-in MONITOR), in
 * the same run, alternating phases to even out drift on a shared machine.
 *
 *   npx tsx test/bench/probe-overhead.ts [phaseSeconds=3] [rounds=2]
 */
import pg from 'pg';
import { Redis } from 'ioredis';
import { PostgresProbe, RedisProbe } from '../../core/probes/index.js';
import { createTestDatabase, startRedis } from '../integration/probes/helpers.js';

const phaseMs = Number(process.argv[2] ?? 3) * 1000;
const rounds = Number(process.argv[3] ?? 2);
const PG_CLIENTS = 4;
const REDIS_CLIENTS = 8;

async function loop(workers: number, body: (w: number) => Promise<unknown>): Promise<number> {
  const end = Date.now() + phaseMs;
  let ops = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      while (Date.now() < end) {
        await body(w);
        ops++;
      }
    }),
  );
  return ops / (phaseMs / 1000);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function main(): Promise<void> {
  const db = await createTestDatabase(true);
  await db.client.query('CREATE TABLE decisions (id int PRIMARY KEY, allow boolean)');
  await db.client.query('INSERT INTO decisions SELECT g, true FROM generate_series(1, 10000) g');
  const pgClients = await Promise.all(
    Array.from({ length: PG_CLIENTS }, async () => {
      const c = new pg.Client(db.url);
      await c.connect();
      return c;
    }),
  );
  const redis = await startRedis();
  await redis.client.set('policy:user-1:tool:invoke', 'allow');
  const redisClients = Array.from({ length: REDIS_CLIENTS }, () => new Redis(redis.url));
  const pgBody = (w: number) => (pgClients[w] as pg.Client).query('SELECT allow FROM decisions WHERE id = $1', [1 + ((Math.random() * 10000) | 0)]);
  const redisBody = (w: number) => (redisClients[w] as Redis).get(w % 2 === 0 ? 'policy:user-1:tool:invoke' : 'policy:user-2:tool:invoke');

  const results: Record<string, number[]> = { pg_bare: [], pg_probe: [], redis_bare: [], redis_probe: [], redis_monitor: [] };
  try {
    for (let r = 0; r < rounds; r++) {
      results['pg_bare']?.push(await loop(PG_CLIENTS, pgBody));
      // 1 s for every view: a harsher schedule than the default (statements every 5 s).
      const pgProbe = await PostgresProbe.connect(db.url, { statementsIntervalMs: 1000 });
      await pgProbe.start(1000);
      results['pg_probe']?.push(await loop(PG_CLIENTS, pgBody));
      await pgProbe.close();

      results['redis_bare']?.push(await loop(REDIS_CLIENTS, redisBody));
      const info = await RedisProbe.connect(redis.url);
      await info.start(1000);
      results['redis_probe']?.push(await loop(REDIS_CLIENTS, redisBody));
      await info.close();
      const mon = await RedisProbe.connect(redis.url, { monitor: { seconds: 3600 } });
      await mon.start(1000);
      results['redis_monitor']?.push(await loop(REDIS_CLIENTS, redisBody));
      await mon.close();
    }
  } finally {
    await Promise.all(pgClients.map((c) => c.end()));
    for (const c of redisClients) c.disconnect();
    await redis.stop();
    await db.drop();
  }
  const m = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v)]));
  const ratio = (a: string, b: string): number => (m[a] ?? 0) / (m[b] || 1);
  console.log(`phase ${phaseMs / 1000} s x ${rounds} rounds, medians (ops/s):`);
  console.log(`  postgres point selects (${PG_CLIENTS} clients): bare ${m['pg_bare']?.toFixed(0)}, probed ${m['pg_probe']?.toFixed(0)}  -> ${ratio('pg_probe', 'pg_bare').toFixed(3)}x`);
  console.log(`  redis GET (${REDIS_CLIENTS} clients): bare ${m['redis_bare']?.toFixed(0)}, INFO probe ${m['redis_probe']?.toFixed(0)} -> ${ratio('redis_probe', 'redis_bare').toFixed(3)}x, MONITOR ${m['redis_monitor']?.toFixed(0)} -> ${ratio('redis_monitor', 'redis_bare').toFixed(3)}x`);
  console.log(JSON.stringify({ bench: 'probe-overhead', phase_s: phaseMs / 1000, rounds, ops_per_s: m, raw: results, pg_probe_ratio: ratio('pg_probe', 'pg_bare'), redis_probe_ratio: ratio('redis_probe', 'redis_bare'), redis_monitor_ratio: ratio('redis_monitor', 'redis_bare') }));
}

await main();
