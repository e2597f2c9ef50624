import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeArgsFor, packageRoot } from '../../../core/common/paths.js';
import { openStore, SCHEMA_VERSION } from '../../../core/store/index.js';
import { tempDir } from '../../unit/store/helpers.js';

const CHILD = new URL('./fixtures/recorder-child.ts', import.meta.url);

interface Child {
  proc: ChildProcess;
  /** The first IPC message the child sends. */
  message: Promise<Record<string, unknown>>;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

function startChild(dbPath: string, mode: string): Child {
  const proc = spawn(process.execPath, [...nodeArgsFor(CHILD), dbPath, mode], {
    cwd: packageRoot(),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = once(proc, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const message = Promise.race([
    once(proc, 'message').then(([m]) => m as Record<string, unknown>),
    exited.then(([code, signal]) => {
      throw new Error(`child (${mode}) exited before reporting: code ${code}, signal ${signal}`);
    }),
  ]);
  // Modes that never report would otherwise leave an unhandled rejection; awaiting still throws.
  message.catch(() => undefined);
  return { proc, message, exited };
}

describe('crash recovery across processes', () => {
  let tmp: ReturnType<typeof tempDir>;
  const children: ChildProcess[] = [];
  beforeEach(() => (tmp = tempDir()));
  afterEach(async () => {
    for (const c of children) {
      if (c.exitCode === null && c.signalCode === null) {
        c.kill('SIGKILL');
        await once(c, 'exit');
      }
    }
    children.length = 0;
    tmp.remove();
  });

  it('a recorder killed with SIGKILL leaves an interrupted session with every flushed row', async () => {
    const child = startChild(tmp.dbPath, 'crash');
    children.push(child.proc);
    const flushed = await child.message;
    expect(flushed.pending).toBe(500); // rows still in the child's memory when it dies
    child.proc.kill('SIGKILL');
    const [, signal] = await child.exited;
    expect(signal).toBe('SIGKILL');

    const store = openStore(tmp.dbPath);
    const id = flushed.id as string;
    expect(store.recoveredSessionIds).toEqual([id]);
    const session = store.sessions.require(id);
    expect(session.status).toBe('interrupted');
    expect(session.error).toMatch(new RegExp(`recorder process ${child.proc.pid} is gone`));
    expect(session.ended_at).not.toBeNull();
    expect(store.reader.getTimeline(id)).toHaveLength(flushed.timeline as number);
    expect(store.reader.countRequestTrace(id)).toBe(flushed.trace);
    const seqs = [...store.reader.iterateRequestTrace(id)].map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: flushed.trace as number }, (_, i) => i));
    store.close();
  });

  it("a running recorder in another process is not touched; once it dies, it is", async () => {
    const child = startChild(tmp.dbPath, 'live');
    children.push(child.proc);
    const { id } = (await child.message) as { id: string };

    const store = openStore(tmp.dbPath);
    expect(store.recoveredSessionIds).toEqual([]);
    expect(store.sessions.require(id).status).toBe('recording');
    // Reading while it writes: WAL lets both proceed.
    expect(store.reader.getTimeline(id)).toHaveLength(7);
    store.close();

    child.proc.kill('SIGKILL');
    await child.exited;
    const after = openStore(tmp.dbPath);
    expect(after.recoveredSessionIds).toEqual([id]);
    expect(after.sessions.require(id).status).toBe('interrupted');
    after.close();
  });

  it('rows still pending when a recorder exits normally are written by the exit hook', async () => {
    const child = startChild(tmp.dbPath, 'exit');
    children.push(child.proc);
    const [code] = await child.exited;
    expect(code).toBe(0);
    const store = openStore(tmp.dbPath);
    const [session] = store.sessions.list();
    expect(session?.status).toBe('interrupted'); // it never finished its session
    expect(store.reader.countRequestTrace(session!.id)).toBe(1_234);
    expect(store.reader.getTimeline(session!.id)).toHaveLength(7);
    store.close();
  });

  it('several processes opening a new file at once migrate it exactly once', async () => {
    const opened = [0, 1, 2].map(() => startChild(tmp.dbPath, 'open'));
    children.push(...opened.map((c) => c.proc));
    const reports = await Promise.all(opened.map((c) => c.message));
    await Promise.all(opened.map((c) => c.exited));
    expect(reports.every((r) => r.schemaVersion === SCHEMA_VERSION)).toBe(true);
    expect(reports.flatMap((r) => r.applied as number[]).sort()).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
    const store = openStore(tmp.dbPath);
    expect(store.migrations()).toHaveLength(SCHEMA_VERSION);
    store.close();
  });
});
