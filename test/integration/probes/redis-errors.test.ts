import { describe, expect, it } from 'vitest';
import { UsageError, WorkbenchError } from '../../../core/common/errors.js';
import { RedisProbe } from '../../../core/probes/index.js';
import { freePort, startRedis, startSilentServer } from './helpers.js';

const ERROR_WITHIN_MS = 5_000;

async function connectError(url: string, options: Parameters<typeof RedisProbe.connect>[1] = {}): Promise<{ err: WorkbenchError; elapsedMs: number }> {
  const t0 = Date.now();
  try {
    const probe = await RedisProbe.connect(url, options);
    await probe.close();
  } catch (err) {
    expect(err).toBeInstanceOf(WorkbenchError);
    const e = err as WorkbenchError;
    expect(e.message).not.toContain('\n');
    return { err: e, elapsedMs: Date.now() - t0 };
  }
  throw new Error(`expected connecting to ${url} to fail`);
}

describe('RedisProbe.connect errors', () => {
  it('rejects a bad URL or option as a usage error', async () => {
    await expect(RedisProbe.connect('http://127.0.0.1:6379')).rejects.toBeInstanceOf(UsageError);
    await expect(RedisProbe.connect('redis://127.0.0.1:6379', { monitor: { seconds: 0 } })).rejects.toMatchObject({ exitCode: 2 });
  });

  it('names host:port when the connection is refused', async () => {
    const port = await freePort();
    const { err, elapsedMs } = await connectError(`redis://:topsecret@127.0.0.1:${port}`);
    expect(err.message).toBe(`cannot connect to Redis at 127.0.0.1:${port}: connection refused (is the server running and listening on that port?)`);
    expect(elapsedMs).toBeLessThan(ERROR_WITHIN_MS);
  });

  it('gives up on a host that accepts but never answers', async () => {
    const silent = await startSilentServer();
    try {
      const { err, elapsedMs } = await connectError(`redis://127.0.0.1:${silent.port}`, { connectTimeoutMs: 2_000 });
      expect(err.message).toMatch(new RegExp(`^cannot connect to Redis at 127\\.0\\.0\\.1:${silent.port}: no answer within 2\\.0 s`));
      expect(elapsedMs).toBeLessThan(ERROR_WITHIN_MS);
    } finally {
      await silent.stop();
    }
  });

  it('fails clearly on a non-routable address with a short connect timeout', async () => {
    const { err, elapsedMs } = await connectError('redis://:topsecret@10.255.255.1:6379', { connectTimeoutMs: 1_000 });
    expect(err.message).toMatch(/^cannot connect to Redis at 10\.255\.255\.1:6379: /);
    expect(err.message).not.toContain('topsecret');
    expect(elapsedMs).toBeLessThan(ERROR_WITHIN_MS);
  });

  it('reports a refused or missing password without echoing it', async () => {
    const redis = await startRedis(['--requirepass', 'right-password']);
    try {
      const wrong = await connectError(`redis://:wrong-password-123@127.0.0.1:${redis.port}`);
      expect(wrong.err.message).toBe(`cannot connect to Redis at 127.0.0.1:${redis.port}: authentication refused (wrong username or password)`);
      expect(wrong.err.message).not.toContain('wrong-password-123');
      expect(wrong.elapsedMs).toBeLessThan(ERROR_WITHIN_MS);
      const none = await connectError(`redis://127.0.0.1:${redis.port}`);
      expect(none.err.message).toMatch(/authentication required/);
      const probe = await RedisProbe.connect(redis.url);
      expect((await probe.check()).ok).toBe(true);
      await probe.close();
    } finally {
      await redis.stop();
    }
  });
});
