import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { forkSarkChild } from '../../../core/sark/child-runner.js';
import { isSarkChildMessage, type SarkChildMessage } from '../../../core/sark/ipc-types.js';
import { SMALL_SIZES, createTestDatabase, postJson } from './helpers.js';

/**
 * The child entry the recorder forks: ready, a snapshot every second (histograms every 5th),
 * final (with histograms) on stop, then exit 0; bad options -> an error message and exit 2.
 */

function collect(child: ChildProcess): { messages: SarkChildMessage[]; next(type: SarkChildMessage['type'], timeoutMs?: number): Promise<SarkChildMessage> } {
  const messages: SarkChildMessage[] = [];
  const waiters: { type: string; resolve: (m: SarkChildMessage) => void }[] = [];
  child.on('message', (m: unknown) => {
    if (!isSarkChildMessage(m)) return;
    messages.push(m);
    for (const w of waiters.filter((x) => x.type === m.type)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(m);
    }
  });
  return {
    messages,
    next(type, timeoutMs = 90_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no '${type}' message within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          type,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
      });
    },
  };
}

function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('child process entry', () => {
  const children: ChildProcess[] = [];
  let db: { url: string; drop(): Promise<void> } | undefined;
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await db?.drop();
  });

  it('sends ready, snapshots every second, and a final snapshot with histograms on stop', async () => {
    db = await createTestDatabase();
    const child = forkSarkChild({ profile: 'baseline', pgUrl: db.url, sizes: SMALL_SIZES }, { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    children.push(child);
    const ipc = collect(child);
    const ready = await ipc.next('ready');
    if (ready.type !== 'ready') throw new Error('expected ready');
    expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ready.knobs.poolSize).toBe(20);
    expect(ready.dataset.counts.tools).toBe(SMALL_SIZES.tools);
    expect(ready.storage.kind).toBe('postgres');
    expect(ready.pid).toBe(child.pid);

    for (let i = 1; i <= 3; i++) {
      expect((await postJson(ready.url, '/api/v1/policy/evaluate', { user_id: `user-${i}`, tool_id: 'tool-3', action: 'invoke' })).status).toBe(200);
    }
    const snap = await ipc.next('snapshot');
    if (snap.type !== 'snapshot') throw new Error('expected snapshot');
    expect(snap.snapshot.report.functions.some((f) => f.name === 'http_request')).toBe(true);
    // Histograms ride along every fifth snapshot only.
    await expect.poll(() => ipc.messages.filter((m) => m.type === 'snapshot').length, { timeout: 30_000 }).toBeGreaterThanOrEqual(5);
    const snaps = ipc.messages.filter((m): m is Extract<SarkChildMessage, { type: 'snapshot' }> => m.type === 'snapshot');
    expect(snaps.slice(0, 5).map((s) => s.snapshot.histograms !== null)).toEqual([false, false, false, false, true]);
    expect(snaps.map((s) => s.snapshot.seq)).toEqual([...snaps.map((s) => s.snapshot.seq)].sort((a, b) => a - b));

    child.send({ type: 'stop' });
    const final = await ipc.next('final');
    if (final.type !== 'final') throw new Error('expected final');
    expect(final.snapshot.histograms).not.toBeNull();
    expect(Object.keys(final.snapshot.histograms?.functions ?? {})).toContain('evaluate_policy');
    expect(final.snapshot.report.queries.total_queries).toBeGreaterThan(0);
    expect(final.snapshot.report.pool?.size).toBe(20);
    expect(await exitCode(child)).toBe(0);
  });

  it('reports bad options as an error message and exits 2', async () => {
    const child = forkSarkChild({ profile: 'baseline', knobs: { poolSize: -3 } }, { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    children.push(child);
    const ipc = collect(child);
    const err = await ipc.next('error', 30_000);
    if (err.type !== 'error') throw new Error('expected error');
    expect(err.message).toMatch(/poolSize/);
    expect(err.exitCode).toBe(2);
    expect(await exitCode(child)).toBe(2);
  });
});
