import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { contentSecurityPolicy } from '../../../core/api/static-files.js';
import { launchPlan } from '../../../main/backend-launch.js';
import { fromChildProcess, waitForBackend, type BackendProcess } from '../../../main/backend-process.js';

/**
 * The desktop app's development path without Electron: the plan main.ts follows, spawned the
 * way main.ts spawns it (system node, piped stdout/stderr, an IPC channel), against the real
 * `sark-workbench ui` (built CLI, as `npm start` runs it) with a throwaway store.
 */

const ROOT = process.cwd();
const dir = mkdtempSync(join(tmpdir(), 'sw-main-backend-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = { ...process.env, SARK_WORKBENCH_HOME: dir, SARK_WORKBENCH_NODE: process.execPath };

function spawnPlanned(dbPath: string) {
  const plan = launchPlan({ isPackaged: false, appPath: ROOT, env, dbPath });
  if (plan.kind !== 'node') throw new Error('expected the development plan');
  const child = spawn(plan.command, plan.args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  return { child, proc: fromChildProcess(child) };
}

/** A stand-in backend: a node one-liner, for the ways a backend can misbehave. */
function fakeBackend(script: string): BackendProcess {
  return fromChildProcess(spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] }));
}

function exitOf(child: ReturnType<typeof spawn>): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function connect(url: string, origin: string): Promise<'open' | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

describe('the real backend, started as the desktop app starts it', () => {
  it.skipIf(!existsSync(join(ROOT, 'dist', 'core', 'cli', 'main.js')))(
    'prints its address; serves the page with the CSP the window enforces; the page origin may connect; stops on request',
    async () => {
      const db = join(dir, 'sessions.sqlite');
      const { child, proc } = spawnPlanned(db);
      const backend = await waitForBackend(proc);
      const { origin, port, token, pageUrl } = backend.address;
      expect(pageUrl).toBe(`http://127.0.0.1:${port}/`);
      expect(pageUrl).not.toContain(token);

      const page = await fetch(pageUrl);
      // 200 with the renderer built, 503 with a clear text otherwise: either way the same policy.
      expect([200, 503]).toContain(page.status);
      expect(page.headers.get('content-security-policy')).toBe(contentSecurityPolicy(port));

      // The window's origin is the backend's own: no --allow-origin needed; the token is.
      expect(await connect(`ws://127.0.0.1:${port}/api?token=${token}`, origin)).toBe('open');
      expect(await connect(`ws://127.0.0.1:${port}/api?token=${'0'.repeat(64)}`, origin)).toBe(401);
      expect(await connect(`ws://127.0.0.1:${port}/api?token=${token}`, 'https://evil.example')).toBe(403);

      let unexpected = '';
      backend.onUnexpectedExit((m) => (unexpected = m));
      await backend.stop();
      expect(await exitOf(child)).toBe(0);
      expect(unexpected).toBe('');
      expect(existsSync(db)).toBe(true);
    },
  );

  it.skipIf(!existsSync(join(ROOT, 'dist', 'core', 'cli', 'main.js')))('exits by itself when the app goes away (the IPC channel closes)', async () => {
    const { child, proc } = spawnPlanned(join(dir, 'orphan.sqlite'));
    const backend = await waitForBackend(proc);
    const unexpected = new Promise<string>((resolve) => backend.onUnexpectedExit(resolve));
    child.disconnect(); // what the OS does to the channel when the Electron main process dies
    expect(await exitOf(child)).toBe(0);
    expect(await unexpected).toMatch(/^the backend exited with code 0/);
  });

  it.skipIf(!existsSync(join(ROOT, 'dist', 'core', 'cli', 'main.js')))("fails with the backend's own last stderr line when it cannot start", async () => {
    const notAStore = join(dir, 'not-a-store.sqlite');
    writeFileSync(notAStore, 'this is not SQLite, it is a text file that happens to be here\n');
    const { proc } = spawnPlanned(notAStore);
    await expect(waitForBackend(proc)).rejects.toThrow(`the backend exited with code 2: error: ${notAStore} is not a SARK Workbench store (not a SQLite database)`);
  });
});

describe('a backend that misbehaves', () => {
  it('a missing node binary is reported with a hint', async () => {
    const proc = fromChildProcess(spawn(join(dir, 'no-such-node'), ['x'], { stdio: ['ignore', 'pipe', 'pipe'] }));
    await expect(waitForBackend(proc)).rejects.toThrow(/could not be started: spawn .*no-such-node ENOENT \(in development the backend runs on `node` from PATH, or \$SARK_WORKBENCH_NODE\)/);
  });

  it('a first line that is not its address is refused and the process is stopped', async () => {
    const proc = fakeBackend("console.log('Debugger listening on ws://127.0.0.1:9229/x'); setInterval(() => {}, 1000)");
    const exited = new Promise<number | null>((resolve) => proc.onExit(resolve));
    await expect(waitForBackend(proc)).rejects.toThrow(/unexpected first line \(not a URL\)/);
    expect(await exited).toBeNull(); // killed
  });

  it('silence past the start timeout is an error, and the process is stopped', async () => {
    const proc = fakeBackend("process.stderr.write('opening the store\\n'); setInterval(() => {}, 1000)");
    const exited = new Promise<number | null>((resolve) => proc.onExit(resolve));
    await expect(waitForBackend(proc, { timeoutMs: 1_000 })).rejects.toThrow('the backend did not start within 1 s: opening the store');
    expect(await exited).toBeNull(); // killed
  });

  it('a crash after start is reported once, with its last words, secrets redacted', async () => {
    const token = 'ab'.repeat(32);
    const proc = fakeBackend(
      `console.log('http://127.0.0.1:45678/?token=${token}'); setTimeout(() => { console.error('error: Redis went away at redis://:hunter2@127.0.0.1:6379'); process.exit(3); }, 200)`,
    );
    const backend = await waitForBackend(proc);
    expect(backend.address.port).toBe(45678);
    const messages: string[] = [];
    await new Promise<void>((resolve) =>
      backend.onUnexpectedExit((m) => {
        messages.push(m);
        resolve();
      }),
    );
    expect(messages).toEqual(['the backend exited with code 3: error: Redis went away at redis://:***@127.0.0.1:6379']);
  });

  it('a backend that ignores SIGTERM is killed after the grace period', async () => {
    const token = 'cd'.repeat(32);
    const proc = fakeBackend(`process.on('SIGTERM', () => {}); console.log('http://127.0.0.1:45679/?token=${token}'); setInterval(() => {}, 1000)`);
    const backend = await waitForBackend(proc);
    const exited = new Promise<number | null>((resolve) => proc.onExit(resolve));
    await backend.stop(500);
    expect(await exited).toBeNull(); // killed by a signal
  });
});
