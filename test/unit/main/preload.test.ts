import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS, MENU_COMMANDS, menuEventName } from '../../../main/ipc-contract.js';

/**
 * The preload is run the way Electron runs a sandboxed preload (lib/sandboxed_renderer/preload.ts):
 * its CommonJS output as a function of (require, process, exports, module), where require()
 * knows only Electron's renderer modules — so a preload that needed anything else fails here as
 * it would in the app. Electron's two renderer objects are stand-ins that record what the
 * preload does with them; the page's window is an EventTarget.
 */
const source = readFileSync(new URL('../../../main/preload.cts', import.meta.url), 'utf8');
const compiled = ts.transpileModule(source, {
  fileName: 'preload.cts',
  compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, strict: true },
}).outputText;

const state = {
  backendInfoReply: null as unknown,
  exposed: new Map<string, unknown>(),
  invoked: [] as Array<{ channel: string; args: unknown[] }>,
  listeners: new Map<string, (event: unknown, ...args: unknown[]) => void>(),
};
const electron = {
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void state.exposed.set(key, api) },
  ipcRenderer: {
    sendSync: (channel: string) => (channel === IPC_CHANNELS.backendInfo ? state.backendInfoReply : undefined),
    invoke: async (channel: string, ...args: unknown[]) => {
      state.invoked.push({ channel, args });
      return channel === IPC_CHANNELS.saveFile ? true : null;
    },
    on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => void state.listeners.set(channel, listener),
  },
};

/** The sandbox's require: Electron's short list only. */
function sandboxRequire(name: string): unknown {
  if (name === 'electron') return electron;
  throw new Error(`module not found: ${name}`);
}

const page = new EventTarget();
const pageEvents: string[] = [];
for (const c of [...MENU_COMMANDS, 'open-devtools']) page.addEventListener(`sark-workbench:${c}`, (e) => pageEvents.push(e.type));

interface PreloadExports {
  PRELOAD_CHANNELS: Record<string, string>;
  PRELOAD_MENU_COMMANDS: readonly string[];
}

function loadPreload(reply: unknown): PreloadExports {
  state.backendInfoReply = reply;
  state.exposed.clear();
  state.invoked.length = 0;
  state.listeners.clear();
  const module = { exports: {} as PreloadExports };
  // Electron compiles the preload into a function with these parameters; so do we.
  const run = new Function('require', 'process', 'exports', 'module', compiled) as (...args: unknown[]) => void;
  run(sandboxRequire, {}, module.exports, module);
  return module.exports;
}

beforeEach(() => {
  vi.stubGlobal('window', page);
  pageEvents.length = 0;
});
afterEach(() => void vi.unstubAllGlobals());

interface Bridge {
  backendUrl: string;
  token: string;
  openFile(): Promise<unknown>;
  saveFile(name: string, content: string): Promise<boolean>;
}

describe('preload', () => {
  const info = { backendUrl: 'http://127.0.0.1:43117', token: 'f'.repeat(64) };

  it('exposes exactly the backend URL, the token, openFile and saveFile as window.sarkWorkbench', () => {
    loadPreload(info);
    expect([...state.exposed.keys()]).toEqual(['sarkWorkbench']);
    const bridge = state.exposed.get('sarkWorkbench') as Bridge;
    expect(Object.keys(bridge).sort()).toEqual(['backendUrl', 'openFile', 'saveFile', 'token']);
    expect(bridge.backendUrl).toBe(info.backendUrl);
    expect(bridge.token).toBe(info.token);
  });

  it('routes the dialogs through invoke on their channels, passing only what the page gave', async () => {
    loadPreload(info);
    const bridge = state.exposed.get('sarkWorkbench') as Bridge;
    expect(await bridge.openFile()).toBeNull();
    expect(await bridge.saveFile('s1.json', '{"schema_version":1}')).toBe(true);
    expect(state.invoked).toEqual([
      { channel: IPC_CHANNELS.openFile, args: [] },
      { channel: IPC_CHANNELS.saveFile, args: [{ name: 's1.json', content: '{"schema_version":1}' }] },
    ]);
  });

  it('exposes nothing when main does not vouch for the page', () => {
    for (const reply of [null, undefined, 'token', { backendUrl: 'http://127.0.0.1:1' }, { backendUrl: 1, token: 'x' }]) {
      loadPreload(reply);
      expect(state.exposed.size).toBe(0);
    }
  });

  it('turns known menu commands into DOM events and drops anything else', () => {
    loadPreload(info);
    const onMenu = state.listeners.get(IPC_CHANNELS.menu);
    expect(onMenu).toBeDefined();
    onMenu?.({ sender: 'ipc event, never forwarded' }, 'toggle-theme');
    onMenu?.({}, 'import-report');
    onMenu?.({}, 'open-devtools');
    onMenu?.({}, { toString: () => 'export-report' });
    expect(pageEvents).toEqual([menuEventName('toggle-theme'), menuEventName('import-report')]);
  });

  it('uses the same channel names and commands as the main process', () => {
    const preload = loadPreload(info);
    expect(preload.PRELOAD_CHANNELS).toEqual(IPC_CHANNELS);
    expect([...preload.PRELOAD_MENU_COMMANDS]).toEqual([...MENU_COMMANDS]);
    expect([...state.listeners.keys()]).toEqual([IPC_CHANNELS.menu]);
  });
});
