import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Starts the backend the e2e tests drive: the real `sark-workbench ui` (web mode: it serves
 * dist/renderer and the WorkbenchApi over its store) with a throwaway SQLite file, and stops it.
 */

const ROOT = process.cwd();
const CLI = join(ROOT, 'core', 'cli', 'bin.js');
/** Starting means: Node, the store, maybe the embedded server's deps; generous for a loaded 2-core box. */
const START_TIMEOUT_MS = 120_000;
const URL_LINE = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)/;

export interface E2eBackend {
  /** The URL to open, token included (what `ui` prints). */
  openUrl: string;
  origin: string;
  token: string;
  /** Everything the backend printed, for failure messages. */
  output: () => string;
  close(): Promise<void>;
}

export function ensureRendererBuilt(): void {
  if (existsSync(join(ROOT, 'dist', 'renderer', 'index.html'))) return;
  const r = spawnSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('renderer build failed');
}


function waitForUrl(child: ChildProcess, log: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`backend did not print its URL within ${START_TIMEOUT_MS} ms:\n${log.join('')}`)), START_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = URL_LINE.exec(line);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`backend exited with ${code} before it was ready:\n${log.join('')}`));
    });
  });
}

export async function startBackend(): Promise<E2eBackend> {
  ensureRendererBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'sw-e2e-'));
  // The real thing: the `ui` command of the built CLI (npm run build), a fresh store per test file.
  const child = spawn(process.execPath, [CLI, 'ui', '--port', '0', '--db', join(dir, 'sessions.db')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  child.stdout?.on('data', (d: Buffer) => log.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
  let openUrl: string;
  try {
    openUrl = await waitForUrl(child, log);
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const u = new URL(openUrl);
  return {
    openUrl,
    origin: u.origin,
    token: u.searchParams.get('token') ?? '',
    output: () => log.join(''),
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
