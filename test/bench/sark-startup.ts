/**
 * How long `sark-workbench serve --embedded` takes to be ready (issue 3: the first start on a new
 * machine < 15 s, later ones < 3 s), measured as a user sees it: the CLI spawned with a fresh
 * SARK_WORKBENCH_HOME, from spawn until it prints `listening on http://...`, then stopped with
 * SIGINT. The first start creates the embedded Postgres (PGlite) and seeds the default data set
 * in bulk; the later ones reuse it. The server's own progress lines are kept with their times,
 * so a slow start shows which step took the time.
 *
 *   npx tsx test/bench/sark-startup.ts [--later 3] [--profile baseline|optimized]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function opt(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}
const LATER = Number(opt('later') ?? 3);
const PROFILE = opt('profile') ?? 'baseline';
if (!Number.isInteger(LATER) || LATER < 1) throw new Error('--later needs a positive integer');
if (PROFILE !== 'baseline' && PROFILE !== 'optimized') throw new Error('--profile is baseline or optimized');

const FIRST_TARGET_MS = 15_000;
const LATER_TARGET_MS = 3_000;
const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'core', 'cli', 'bin.js');

interface Start {
  readyMs: number;
  lines: string[];
}

function startOnce(home: string): Promise<Start> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const lines: string[] = [];
    const child = spawn(process.execPath, [BIN, 'serve', '--embedded', '--profile', PROFILE, '--port', '0'], {
      env: { ...process.env, SARK_WORKBENCH_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let readyMs: number | null = null;
    const onLine = (line: string) => {
      const at = performance.now() - t0;
      lines.push(`${(at / 1000).toFixed(2).padStart(6)} s  ${line}`);
      if (readyMs === null && /listening on http:\/\/127\.0\.0\.1:\d+/.test(line)) {
        readyMs = at;
        child.kill('SIGINT');
      }
    };
    for (const stream of [child.stdout, child.stderr]) {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          onLine(buf.slice(0, nl));
          buf = buf.slice(nl + 1);
        }
      });
    }
    child.on('error', reject);
    child.on('exit', (code) => {
      if (readyMs === null) reject(new Error(`serve exited with ${String(code)} before it was ready:\n${lines.join('\n')}`));
      else resolve({ readyMs, lines });
    });
  });
}

async function main(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'sark-startup-'));
  try {
    process.stdout.write(`serve --embedded --profile ${PROFILE}, fresh SARK_WORKBENCH_HOME ${home}\n`);
    const first = await startOnce(home);
    process.stdout.write(`first start (creates and seeds the embedded database): ready in ${(first.readyMs / 1000).toFixed(2)} s\n`);
    for (const l of first.lines) process.stdout.write(`   ${l}\n`);
    const later: number[] = [];
    for (let i = 0; i < LATER; i++) {
      const s = await startOnce(home);
      later.push(s.readyMs);
      process.stdout.write(`later start ${i + 1}: ready in ${(s.readyMs / 1000).toFixed(2)} s\n`);
      if (i === 0) for (const l of s.lines) process.stdout.write(`   ${l}\n`);
    }
    const worstLater = Math.max(...later);
    process.stdout.write(
      `targets: first < ${FIRST_TARGET_MS / 1000} s: ${first.readyMs < FIRST_TARGET_MS ? 'met' : 'NOT met'} (${(first.readyMs / 1000).toFixed(2)} s); ` +
        `later < ${LATER_TARGET_MS / 1000} s: ${worstLater < LATER_TARGET_MS ? 'met' : 'NOT met'} (slowest ${(worstLater / 1000).toFixed(2)} s)\n`,
    );
    process.stdout.write(
      `${JSON.stringify({ bench: 'sark-startup', profile: PROFILE, first_ms: Math.round(first.readyMs), later_ms: later.map(Math.round), first_target_ms: FIRST_TARGET_MS, later_target_ms: LATER_TARGET_MS })}\n`,
    );
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
