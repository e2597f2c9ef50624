/**
 * The preload: CommonJS, because a preload with `sandbox: true` runs as a plain script whose only
 * require() is Electron's short list ('electron', 'events', 'timers', 'url') — no ESM, no local
 * files. So the channel names are repeated here from main/ipc-contract.ts (only types are
 * imported; test/unit/main/preload.test.ts checks the names match).
 *
 * It exposes exactly what renderer/src/api/backend-location.ts expects as window.sarkWorkbench:
 * the backend URL, the token, and two dialog calls. No ipcRenderer, no event objects, no
 * generic send (security checklist #20, https://www.electronjs.org/docs/latest/tutorial/security).
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { BackendInfo, MenuCommand, OpenedFile } from './ipc-contract.js';

export const PRELOAD_CHANNELS = {
  backendInfo: 'sark-workbench:backend-info',
  openFile: 'sark-workbench:open-file',
  saveFile: 'sark-workbench:save-file',
  menu: 'sark-workbench:menu',
} as const;

export const PRELOAD_MENU_COMMANDS: readonly MenuCommand[] = ['import-report', 'export-report', 'toggle-theme'];

/** The page's window, as seen from the preload's isolated world (the DOM is shared). */
declare const window: { dispatchEvent(event: Event): boolean };

export interface SarkWorkbenchBridge {
  readonly backendUrl: string;
  readonly token: string;
  openFile(): Promise<OpenedFile | null>;
  saveFile(name: string, content: string): Promise<boolean>;
}

/**
 * Asked synchronously, once, before the page's scripts run: the bridge must be complete when
 * the renderer first reads it. Main answers only the workbench page's top frame; anything else
 * gets null and the page is left without a bridge (and so without the token).
 */
function backendInfo(): BackendInfo | null {
  const info: unknown = ipcRenderer.sendSync(PRELOAD_CHANNELS.backendInfo);
  if (typeof info !== 'object' || info === null) return null;
  const { backendUrl, token } = info as Record<string, unknown>;
  return typeof backendUrl === 'string' && typeof token === 'string' ? { backendUrl, token } : null;
}

const info = backendInfo();
if (info !== null) {
  const bridge: SarkWorkbenchBridge = {
    backendUrl: info.backendUrl,
    token: info.token,
    openFile: () => ipcRenderer.invoke(PRELOAD_CHANNELS.openFile) as Promise<OpenedFile | null>,
    // Passed on as given: main validates names, types and sizes (the page is not trusted to).
    saveFile: (name, content) => ipcRenderer.invoke(PRELOAD_CHANNELS.saveFile, { name, content }) as Promise<boolean>,
  };
  contextBridge.exposeInMainWorld('sarkWorkbench', bridge);
}

// Menu items the page acts on arrive as plain DOM events (`sark-workbench:import-report`, ...):
// nothing callable crosses into the page, and an unknown command is dropped.
ipcRenderer.on(PRELOAD_CHANNELS.menu, (_event, command: unknown) => {
  if (typeof command === 'string' && (PRELOAD_MENU_COMMANDS as readonly string[]).includes(command)) {
    window.dispatchEvent(new Event(`sark-workbench:${command}`));
  }
});
