import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import '../../helpers/env.js';
import { buildSessionReport } from '../../../core/report/build.js';
import { startRecording, type Recording, type RecordOptions } from '../../../core/session/index.js';
import { openStore, type Store } from '../../../core/store/index.js';
import { childPids, CliProcess, descendantPids, ensureBuilt, SMALL_DATASET, waitUntilGone } from '../cli/harness.js';

/**
 * Ending a recording early, the four ways a user can: stop() (keep it as a completed session),
 * cancel() (keep what was recorded, marked cancelled), Ctrl-C on the CLI (= cancel), and the
 * recorder process dying (the next open of the store marks it interrupted, rows kept, and the
 * embedded server it forked does not outlive it).
 */

const SIZES = { users: 300, teams: 30, tools: 120, servers: 10, auditRows: 20000 };
/** Planned far longer than the test waits: every run here is ended early on purpose. */
const PLANNED_S = 120;
/** Seconds of recording before ending it: enough for timeline rows, trace rows and snapshots. */
const RECORD_FOR_S = 4;
/** The orphaned embedded server stops on IPC disconnect; generous for a loaded 2-core machine. */
const ORPHAN_EXIT_MS = 15_000;

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sw-sess-stop-'));
  await ensureBuilt();
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const running: CliProcess[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) await p.kill();
});

const embeddedRun = (): RecordOptions => ({
  name: 'ended early',
  target: { kind: 'embedded', profile: 'baseline' },
  load: { users: 8, durationS: PLANNED_S },
  embedded: { sizes: SIZES },
});

/** Starts a recording and resolves once it has been recording for `seconds` of load. */
async function recordFor(store: Store, seconds: number): Promise<Recording> {
  let reached: () => void = () => undefined;
  const enough = new Promise<void>((r) => (reached = r));
  const rec = await startRecording(store, embeddedRun(), {
    onProgress: (p) => {
      if (p.elapsed_s >= seconds && p.requests > 0) reached();
    },
  });
  await enough;
  return rec;
}

function expectRowsKept(store: Store, id: string): void {
  const rows = store.countRows(id);
  expect(rows.timeline, 'timeline').toBeGreaterThanOrEqual(RECORD_FOR_S - 1);
  expect(rows.latency_windows, 'latency_windows').toBeGreaterThan(0);
  expect(rows.request_trace, 'request_trace').toBeGreaterThan(0);
  expect(rows.query_stats, 'query_stats').toBeGreaterThan(0);
  // Every request sent is in the trace, and the report counts the same requests.
  const report = buildSessionReport(store, id);
  expect(report.summary.requests).toBe(rows.request_trace);
  expect(report.session.duration_s).toBeLessThan(PLANNED_S / 2);
}

describe('stop and cancel (startRecording in process)', () => {
  let store: Store;
  beforeAll(() => {
    store = openStore(join(dir, 'in-process.db'));
  });
  afterAll(() => store.close());

  it('stop() mid-run: completed, with everything recorded so far', async () => {
    const rec = await recordFor(store, RECORD_FOR_S);
    rec.stop();
    const result = await rec.done;
    expect(result.status, result.error ?? '').toBe('completed');
    expect(store.sessions.require(rec.sessionId).status).toBe('completed');
    expectRowsKept(store, rec.sessionId);
    // A completed session is analysed: its checks and recommendations are there.
    expect(buildSessionReport(store, rec.sessionId).summary.checks.length).toBeGreaterThan(0);
  });

  it('cancel() mid-run: cancelled, with everything recorded so far', async () => {
    const rec = await recordFor(store, RECORD_FOR_S);
    rec.cancel();
    const result = await rec.done;
    expect(result.status, result.error ?? '').toBe('cancelled');
    expect(store.sessions.require(rec.sessionId).status).toBe('cancelled');
    expectRowsKept(store, rec.sessionId);
  });
});

describe('the CLI ended from outside', () => {
  const profileArgs = (db: string) => ['profile', '--embedded', '--users', '8', '--duration', String(PLANNED_S), ...SMALL_DATASET, '--db', db];
  const RECORDING_LINE = /session (s-[\w-]+) \(.*\) recording/;

  /** Waits until the running CLI has flushed `seconds` timeline rows and some trace rows. */
  async function waitForRecorded(db: string, id: string, seconds: number): Promise<void> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      // No recovery on this open: the recorder is alive, and reading never blocks it (WAL).
      const peek = openStore(db, { recover: false });
      const rows = peek.countRows(id);
      peek.close();
      if (rows.timeline >= seconds && rows.request_trace > 0) return;
      if (Date.now() > deadline) throw new Error(`only ${rows.timeline} timeline rows after 120 s`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  it('SIGKILL mid-run: the next open marks it interrupted with every flushed row, and the embedded server exits by itself', async () => {
    const db = join(dir, 'killed.db');
    const cli = new CliProcess(profileArgs(db));
    running.push(cli);
    const id = (await cli.waitForStderr(RECORDING_LINE))[1] as string;
    await waitForRecorded(db, id, RECORD_FOR_S);
    // The embedded server and its database process, forked by the CLI.
    const orphans = descendantPids(cli.pid);
    expect(orphans.length).toBeGreaterThan(0);
    // What is on disk before the kill (WAL lets us read while it writes; no recovery: it is alive).
    const peek = openStore(db, { recover: false });
    const before = peek.countRows(id);
    peek.close();
    expect(before.timeline).toBeGreaterThan(0);
    expect(before.request_trace).toBeGreaterThan(0);

    cli.proc.kill('SIGKILL');
    const exit = await cli.exited;
    expect(exit.signal).toBe('SIGKILL');

    const store = openStore(db);
    try {
      expect(store.recoveredSessionIds).toEqual([id]);
      const s = store.sessions.require(id);
      expect(s.status).toBe('interrupted');
      expect(s.error).toMatch(new RegExp(`recorder process ${cli.pid} is gone`));
      const after = store.countRows(id);
      for (const table of Object.keys(before) as Array<keyof typeof before>) {
        expect(after[table], table).toBeGreaterThanOrEqual(before[table]);
      }
      // Its report still opens (the UI and `report` show what was recorded).
      expect(buildSessionReport(store, id).timeline.length).toBeGreaterThan(0);
    } finally {
      store.close();
    }
    expect(await waitUntilGone(orphans, ORPHAN_EXIT_MS), `still running: ${orphans.join(', ')}`).toBe(true);
  });

  it('the embedded server crashing mid-run: failed with the reason, exit 1, the report of what was recorded printed', async () => {
    const db = join(dir, 'target-crashed.db');
    const cli = new CliProcess(profileArgs(db));
    running.push(cli);
    const id = (await cli.waitForStderr(RECORDING_LINE))[1] as string;
    await waitForRecorded(db, id, RECORD_FOR_S);
    const [server] = childPids(cli.pid);
    expect(server).toBeDefined();
    const underIt = descendantPids(server as number);
    process.kill(server as number, 'SIGKILL');
    const r = await cli.exited;

    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^error: the session failed: the embedded server exited unexpectedly \(SIGKILL\)$/m);
    expect(r.stdout).toMatch(/Status: failed/);
    expect(r.stdout).toContain(`session: ${id} (failed)`);
    const store = openStore(db);
    try {
      const s = store.sessions.require(id);
      expect(s.status).toBe('failed');
      expect(s.error).toMatch(/embedded server exited unexpectedly/);
      const rows = store.countRows(id);
      expect(rows.timeline).toBeGreaterThanOrEqual(RECORD_FOR_S);
      expect(rows.request_trace).toBeGreaterThan(0);
    } finally {
      store.close();
    }
    // Its database process does not outlive it.
    expect(await waitUntilGone(underIt, ORPHAN_EXIT_MS)).toBe(true);
  });

  it('Ctrl-C (SIGINT to the whole process group, as a terminal sends it): cancelled, exit 130, the report printed, no errors caused by the interrupt', async () => {
    const db = join(dir, 'interrupted.db');
    // Its own process group, so the signal reaches the CLI and everything it forked, like a terminal's Ctrl-C.
    const cli = new CliProcess(profileArgs(db), { detached: true });
    running.push(cli);
    const id = (await cli.waitForStderr(RECORDING_LINE))[1] as string;
    await waitForRecorded(db, id, RECORD_FOR_S);
    const forked = descendantPids(cli.pid);
    process.kill(-cli.pid, 'SIGINT');
    const r = await cli.exited;

    expect(r.code, r.stderr).toBe(130);
    expect(r.stdout).toMatch(/^SARK Workbench report/);
    expect(r.stdout).toMatch(/Status: cancelled/);
    expect(r.stdout).toContain(`session: ${id} (cancelled)`);
    expect(r.stderr).toMatch(/cancelling: finishing the session with what was recorded/);

    const store = openStore(db);
    try {
      expect(store.sessions.require(id).status).toBe('cancelled');
      expectRowsKept(store, id);
      // The embedded server finished the requests in flight: nothing failed because of the Ctrl-C
      // (a server that got the signal too would answer 5xx or drop connections here).
      const failed = [...store.reader.iterateRequestTrace(id)].filter((t) => t.error_class !== null && t.error_class !== 'timeout');
      expect(failed.map((t) => `${t.status ?? '-'} ${t.error_class ?? ''}`)).toEqual([]);
      // The function profile came from the server's final snapshot.
      expect(buildSessionReport(store, id).functions.length).toBeGreaterThan(0);
    } finally {
      store.close();
    }
    expect(await waitUntilGone(forked, ORPHAN_EXIT_MS)).toBe(true);
  });
});
