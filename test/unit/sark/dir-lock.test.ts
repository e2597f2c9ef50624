import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireDirLock, releaseDirLock } from '../../../core/sark/storage/embedded-pg.js';

/** The embedded data dir's lock: a live holder (another process, or this one) keeps it; a dead one does not. */
describe('embedded data dir lock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sark-lock-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is exclusive within a process and released on release', () => {
    const lock = join(dir, 'a.lock');
    expect(acquireDirLock(lock)).toBe(true);
    expect(readFileSync(lock, 'utf8')).toBe(String(process.pid));
    expect(acquireDirLock(lock)).toBe(false);
    releaseDirLock(lock);
    expect(existsSync(lock)).toBe(false);
    expect(acquireDirLock(lock)).toBe(true);
    releaseDirLock(lock);
  });

  it('respects a live process and takes over from a dead one', () => {
    const lock = join(dir, 'b.lock');
    // The parent of this test process is alive for the whole test.
    writeFileSync(lock, String(process.ppid));
    expect(acquireDirLock(lock)).toBe(false);
    // A process that has exited: its pid is free.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(lock, dead.stdout);
    expect(acquireDirLock(lock)).toBe(true);
    expect(readFileSync(lock, 'utf8')).toBe(String(process.pid));
    releaseDirLock(lock);
  });
});
