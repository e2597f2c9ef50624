import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisCacheBackend } from '../../../core/sark/cache/redis-backend.js';
import { SHARED_REDIS_URL } from './helpers.js';

/**
 * The Redis backend sends the commands issued in one turn of the event loop in one socket write
 * (it corks the socket until setImmediate): what that must never cost is a wrong answer or a
 * command left waiting.
 */
describe('RedisCacheBackend (real Redis)', () => {
  const prefix = `cork-test-${Math.random().toString(36).slice(2, 8)}`;
  let backend: RedisCacheBackend;

  beforeAll(async () => {
    backend = await RedisCacheBackend.connect(SHARED_REDIS_URL);
  });
  afterAll(async () => {
    await backend.deleteMatching(`${prefix}:*`);
    await backend.close();
  });

  it('answers every command of a burst correctly, and the burst goes out in a few writes', async () => {
    const socket = backend.client.stream as unknown as { _write: (...a: unknown[]) => unknown; _writev?: (...a: unknown[]) => unknown };
    let writes = 0;
    const origWrite = socket._write;
    const origWritev = socket._writev;
    socket._write = function (this: unknown, ...a: unknown[]) {
      writes++;
      return origWrite.apply(this, a);
    };
    if (origWritev !== undefined) {
      socket._writev = function (this: unknown, ...a: unknown[]) {
        writes++;
        return origWritev.apply(this, a);
      };
    }
    try {
      const n = 400;
      await Promise.all(Array.from({ length: n }, (_, i) => backend.set(`${prefix}:k${i}`, `v${i}`, 60)));
      const values = await Promise.all(Array.from({ length: n }, (_, i) => backend.get(`${prefix}:k${i}`)));
      expect(values).toEqual(Array.from({ length: n }, (_, i) => `v${i}`));
      expect(await backend.get(`${prefix}:absent`)).toBeNull();
      // 801 commands; uncorked, each would be a write of its own.
      expect(writes).toBeGreaterThan(0);
      expect(writes).toBeLessThanOrEqual(10);
    } finally {
      socket._write = origWrite;
      if (origWritev !== undefined) socket._writev = origWritev;
    }
  });

  it('sends a lone command, one from a timer, and one from inside setImmediate', async () => {
    await backend.set(`${prefix}:lone`, 'x', 60);
    const fromTimer = await new Promise<string | null>((resolve, reject) => {
      setTimeout(() => backend.get(`${prefix}:lone`).then(resolve, reject), 20);
    });
    const fromImmediate = await new Promise<string | null>((resolve, reject) => {
      setImmediate(() => backend.get(`${prefix}:lone`).then(resolve, reject));
    });
    expect([fromTimer, fromImmediate]).toEqual(['x', 'x']);
    expect(await backend.ttl(`${prefix}:lone`)).toBeGreaterThan(0);
  });

  it('pipelined reads and writes still return in order', async () => {
    const keys = Array.from({ length: 50 }, (_, i) => `${prefix}:p${i}`);
    await backend.setPipelined(keys.map((key, i) => ({ key, value: String(i * i), ttlS: 60 })));
    expect(await backend.getPipelined(keys)).toEqual(keys.map((_, i) => String(i * i)));
    expect(await backend.del(keys)).toBe(50);
  });
});
