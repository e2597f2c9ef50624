import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS } from '../../../main/ipc-contract.js';
import { createFakeElectron, type FakeElectron, type FakeFrame } from './fake-electron.js';

/**
 * main.ts end to end minus Electron: its real glue, with Electron's API recorded by a stand-in,
 * starting the real backend (system node, built CLI) on a throwaway store.
 */

const ROOT = process.cwd();
const built = existsSync(join(ROOT, 'dist', 'core', 'cli', 'main.js'));
const dir = mkdtempSync(join(tmpdir(), 'sw-main-process-'));
const savedEnv = { ...process.env };
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  process.env = { ...savedEnv };
  vi.doUnmock('electron');
});

async function launch(dbPath: string): Promise<FakeElectron> {
  process.env.SARK_WORKBENCH_HOME = dir;
  process.env.SARK_WORKBENCH_DB = dbPath;
  process.env.SARK_WORKBENCH_NODE = process.execPath;
  const fake = createFakeElectron({ appPath: ROOT, userData: join(dir, 'userData') });
  vi.resetModules();
  vi.doMock('electron', () => fake.module);
  await import('../../../main/main.js');
  return fake;
}

const items = (menu: MenuItemConstructorOptions | undefined) => (Array.isArray(menu?.submenu) ? (menu.submenu as MenuItemConstructorOptions[]) : []);

describe.skipIf(!built)('the main process', () => {
  it('starts the backend, opens the sandboxed window on its page, answers the preload, and stops the backend on quit', async () => {
    const fake = await launch(join(dir, 'ok.sqlite'));
    const win = await fake.nextWindow();
    const { state } = fake;
    expect(state.sandboxEnabled).toBe(true);
    expect(state.errorBoxes).toEqual([]);
    expect(win.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect(win.options.webPreferences?.preload).toMatch(/preload\.cjs$/);

    // The page, without the token in its URL, served by the real backend.
    const pageUrl = win.loaded[0] ?? '';
    expect(pageUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(win.shown).toBe(true);
    const page = await fetch(pageUrl);
    expect([200, 503]).toContain(page.status);

    // The preload's synchronous question: answered for the page's top frame only.
    const ask = (senderFrame: FakeFrame | null) => {
      const event: { senderFrame: FakeFrame | null; sender: unknown; returnValue?: unknown } = { senderFrame, sender: win.webContents };
      state.ipcOn.get(IPC_CHANNELS.backendInfo)?.(event);
      return event.returnValue;
    };
    const top: FakeFrame = { url: `${pageUrl}#/sessions`, parent: null };
    const info = ask(top) as { backendUrl: string; token: string };
    expect(info.backendUrl).toBe(pageUrl.replace(/\/$/, ''));
    expect(info.token).toMatch(/^[0-9a-f]{64}$/);
    expect(ask({ url: 'https://evil.example/', parent: null })).toBeNull();
    expect(ask({ url: pageUrl, parent: top })).toBeNull();
    expect(ask(null)).toBeNull();

    // Dialog calls from anywhere else are refused before any dialog opens.
    const save = state.ipcHandle.get(IPC_CHANNELS.saveFile);
    await expect(Promise.resolve(save?.({ senderFrame: { url: 'https://evil.example/', parent: null }, sender: win.webContents }, { name: 'a.json', content: '{}' }))).rejects.toThrow(/may not use the workbench bridge/);
    // ... and the page's own call goes to the (cancelled) save dialog.
    expect(await save?.({ senderFrame: top, sender: win.webContents }, { name: 'a.json', content: '{}' })).toBe(false);

    // The menu reaches the page through the preload's channel.
    const file = state.menu?.find((m) => m.label === '&File');
    (items(file).find((i) => i.label === 'Import report…')?.click as unknown as () => void)();
    expect(win.webContents.sent).toEqual([{ channel: IPC_CHANNELS.menu, args: ['import-report'] }]);

    // Navigation away from the page is refused on the window's contents; web links leave for the browser.
    let prevented = false;
    win.webContents.emit('will-navigate', { url: 'https://example.com/', preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    await vi.waitFor(() => expect(state.openedExternally).toEqual(['https://example.com/']));

    // Quit: held until the backend has closed its store, then completed.
    const quitted = fake.quitted();
    fake.module.app.quit();
    await quitted;
    expect(state.quitCalls).toBe(2);
    await expect(fetch(pageUrl)).rejects.toThrow();
    expect(state.errorBoxes).toEqual([]);
  });

  it('a backend that cannot start shows its last stderr line in an error dialog, and the app quits', async () => {
    const notAStore = join(dir, 'not-a-store.sqlite');
    writeFileSync(notAStore, 'plain text, not SQLite\n');
    const fake = await launch(notAStore);
    await fake.quitted();
    expect(fake.state.windows).toHaveLength(0);
    expect(fake.state.errorBoxes).toEqual([
      { title: 'SARK Workbench could not start', content: `the backend exited with code 2: error: ${notAStore} is not a SARK Workbench store (not a SQLite database)` },
    ]);
  });
});
