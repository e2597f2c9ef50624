import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startSilentServer, startThrowawayPostgres, type ThrowawayPostgres } from '../probes/helpers.js';
import { makeReport } from '../../fixtures/report.js';
import { ensureBuilt, listSessions, runCli, SMALL_DATASET, type CliResult } from './harness.js';

/**
 * ARCHITECTURE.md's error contract, through the real command: a bad input or an unreachable
 * target is one `error:` line on stderr, exit 2 for bad usage or input and 1 for a runtime
 * failure, no stack trace (unless --verbose), within 5 s, and no session left in the store.
 */

/** The contract's bound (issue 4): a clear error within 5 s, Node's start-up included. */
const ERROR_WITHIN_MS = 5_000;
const SHARED_PG = 'postgres://postgres@127.0.0.1:5432';

let dir: string;
let db: string;
let closedPort: number;
/** Accepts connections and never answers: a hung or firewalled host, the slowest way to fail. */
let silent: Awaited<ReturnType<typeof startSilentServer>>;
let cluster: ThrowawayPostgres;
let appPassword: string;

beforeAll(async () => {
  await ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'sw-cli-errors-'));
  db = join(dir, 'sessions.db');
  closedPort = await freePort(); // nothing listens there once freePort has closed it
  silent = await startSilentServer();
  // A cluster with password auth for the refused-password case (the shared server trusts everyone).
  cluster = await startThrowawayPostgres({ preloadStatements: false });
  appPassword = cluster.password;
  // An empty store to compare against (sessions --json creates it).
  expect(await listSessions(db)).toEqual([]);
}, 180_000);

afterAll(async () => {
  await silent?.stop();
  cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function expectOneErrorLine(r: CliResult, code: 1 | 2, message: RegExp): void {
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, `stderr:\n${r.stderr}`).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(message);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.code, `stderr:\n${r.stderr}`).toBe(code);
  expect(r.durationMs).toBeLessThan(ERROR_WITHIN_MS);
}

interface Case {
  name: string;
  args: () => string[];
  code: 1 | 2;
  /** A function where it names the closed port, which is known only once beforeAll ran. */
  message: RegExp | (() => RegExp);
}

const cases: Case[] = [
  { name: 'unknown option', args: () => ['profile', '--bogus-flag'], code: 2, message: /unknown option '--bogus-flag'/ },
  { name: 'unknown command', args: () => ['frobnicate'], code: 2, message: /unknown command 'frobnicate'/ },
  { name: '--target-url that is not a URL', args: () => ['profile', '--target-url', 'notaurl', '--duration', '2'], code: 2, message: /--target-url is not a URL: "notaurl"/ },
  {
    name: '--target-url where nothing listens',
    args: () => ['profile', '--target-url', `http://127.0.0.1:${closedPort}`, '--duration', '2'],
    code: 1,
    message: () => new RegExp(`cannot reach target http://127\\.0\\.0\\.1:${closedPort}/?: connection refused`),
  },
  {
    name: '--target-url of a host that never answers',
    args: () => ['profile', '--target-url', `http://127.0.0.1:${silent.port}`, '--duration', '2'],
    code: 1,
    message: () => new RegExp(`cannot reach target http://127\\.0\\.0\\.1:${silent.port}/?: no answer within \\d+ s`),
  },
  {
    // The target check and the probes' connections run side by side: two hung hosts, one timeout.
    name: '--target-url and --pg both on a host that never answers',
    args: () => ['profile', '--target-url', `http://127.0.0.1:${silent.port}`, '--pg', `postgres://postgres@127.0.0.1:${silent.port}/x`, '--duration', '2'],
    code: 1,
    message: () => new RegExp(`cannot connect to Postgres at 127\\.0\\.0\\.1:${silent.port}: no answer within`),
  },
  {
    name: '--pg naming a database that does not exist',
    args: () => ['profile', '--pg', `${SHARED_PG}/sw_sess_does_not_exist_${Date.now()}`, '--duration', '2'],
    code: 1,
    message: /cannot connect to Postgres at 127\.0\.0\.1:5432: database 'sw_sess_does_not_exist_\d+' does not exist/,
  },
  {
    name: '--redis where nothing listens',
    args: () => ['profile', '--redis', `redis://127.0.0.1:${closedPort}`, '--duration', '2'],
    code: 1,
    message: () => new RegExp(`cannot connect to Redis at 127\\.0\\.0\\.1:${closedPort}: connection refused`),
  },
  {
    name: 'a refused Postgres password',
    args: () => ['profile', '--pg', cluster.url('postgres', `not-${appPassword}`), '--duration', '2'],
    code: 1,
    message: /cannot connect to Postgres at 127\.0\.0\.1:\d+: password authentication failed for user 'postgres'/,
  },
  { name: 'observe-only mode without --duration', args: () => ['profile', '--pg', `${SHARED_PG}/test`], code: 2, message: /observe-only mode needs --duration/ },
  { name: '--set with an unknown knob', args: () => ['profile', '--embedded', '--set', 'unknownKnob=1', '--duration', '2', ...SMALL_DATASET], code: 2, message: /unknown knob 'unknownKnob'/ },
  { name: '--set with an out-of-range value', args: () => ['profile', '--embedded', '--set', 'poolSize=-3', '--duration', '2', ...SMALL_DATASET], code: 2, message: /poolSize .*-3/ },
  { name: '--mix over 100 percent', args: () => ['profile', '--embedded', '--mix', 'cached=200', '--duration', '2', ...SMALL_DATASET], code: 2, message: /--mix.*100/ },
  {
    // Checked before recording, not after the whole session.
    name: '--json into a folder that does not exist',
    args: () => ['profile', '--embedded', '--duration', '2', '--json', join(dir, 'no-such-folder', 'r.json'), ...SMALL_DATASET],
    code: 2,
    message: /--json: cannot write .*r\.json: folder .*no-such-folder does not exist/,
  },
  { name: 'replay with a --users that is not a number', args: () => ['replay', 'latest', '--users', 'abc'], code: 2, message: /--users must be an integer, got "abc"/ },
  { name: 'report of a session that does not exist', args: () => ['report', 'nope'], code: 2, message: /no session "nope"/ },
  { name: 'compare with one session only', args: () => ['compare', 'a'], code: 2, message: /missing required argument 'candidate'/ },
];

describe('CLI errors: one line, the documented exit code, within 5 s, nothing recorded', () => {
  it.each(cases)('$name', async (c) => {
    const r = await runCli([...c.args(), '--db', db]);
    expectOneErrorLine(r, c.code, typeof c.message === 'function' ? c.message() : c.message);
    expect(r.stdout).toBe('');
    expect(await listSessions(db)).toEqual([]);
  });

  it('a refused password never reaches the terminal', async () => {
    const wrong = `secret-${appPassword}`;
    const r = await runCli(['profile', '--pg', cluster.url('postgres', wrong), '--duration', '2', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr + r.stdout).not.toContain(wrong);
  });

  it('import of a truncated report: exit 2, and the same file whole imports', async () => {
    const whole = join(dir, 'report.json');
    writeFileSync(whole, JSON.stringify(makeReport({ id: 's-20250101-000000-abcd' }), null, 2));
    const text = readFileSync(whole, 'utf8');
    const truncated = join(dir, 'truncated.json');
    writeFileSync(truncated, text.slice(0, Math.floor(text.length / 2)));

    const r = await runCli(['import', truncated, '--db', db]);
    expectOneErrorLine(r, 2, /truncated\.json: truncated or invalid JSON/);
    expect(await listSessions(db)).toEqual([]);

    // Control: the untruncated file is a valid report (in a store of its own).
    const other = join(dir, 'other.db');
    const ok = await runCli(['import', whole, '--db', other]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(await listSessions(other)).toHaveLength(1);
  });

  it('--db pointing at a file that is not SQLite: exit 2, and the file is left as it was', async () => {
    const notDb = join(dir, 'notes.txt');
    const content = 'these are my notes, not a session store\n'.repeat(50);
    writeFileSync(notDb, content);
    for (const args of [['sessions'], ['profile', '--embedded', '--duration', '2', ...SMALL_DATASET], ['report', 'latest']]) {
      const r = await runCli([...args, '--db', notDb]);
      expectOneErrorLine(r, 2, /notes\.txt is not a SARK Workbench store \(not a SQLite database\)/);
    }
    expect(readFileSync(notDb, 'utf8')).toBe(content);
  });

  it('--verbose adds the stack trace of a runtime failure', async () => {
    const r = await runCli(['profile', '--target-url', `http://127.0.0.1:${closedPort}`, '--duration', '2', '--verbose', '--db', db]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^error: cannot reach target .*connection refused/);
    expect(lines.length).toBeGreaterThan(2);
    expect(r.stderr).toMatch(/^\s+at .*checkTargetUrl/m);
    expect(await listSessions(db)).toEqual([]);
  });
});
