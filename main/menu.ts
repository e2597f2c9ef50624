import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from './ipc-contract.js';
import { externalUrl } from './safe-open-external.js';

/**
 * The native menu as plain data (Menu.buildFromTemplate takes it in main.ts). Import, export
 * and the theme are the page's business — it knows the current session and owns the theme —
 * so those items send a MenuCommand to the page; the rest are Electron roles.
 */

export interface MenuActions {
  /** Sends a command to the page (main.ts: webContents.send on the menu channel). */
  command(command: MenuCommand): void;
  /** Opens the README in the browser through safeOpenExternal. */
  openReadme(): void;
}

export interface MenuInput {
  platform: NodeJS.Platform;
  /** Developer tools only in development (the packaged window is built with devTools: false). */
  isDev: boolean;
  /** The README's http(s) address (package.json "homepage"); the item is disabled without one. */
  readmeUrl: string | null;
  actions: MenuActions;
}

export function menuTemplate(input: MenuInput): MenuItemConstructorOptions[] {
  const { actions, platform, isDev } = input;
  const mac = platform === 'darwin';

  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'Import report…', accelerator: 'CmdOrCtrl+O', click: () => actions.command('import-report') },
      { label: 'Export…', accelerator: 'CmdOrCtrl+S', click: () => actions.command('export-report') },
      { type: 'separator' },
      // On macOS Quit lives in the app menu (Human Interface Guidelines); File ends with Close.
      mac ? { role: 'close' } : { role: 'quit', label: 'Quit', accelerator: 'Ctrl+Q' },
    ],
  };

  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      { role: 'reload' },
      ...(isDev ? [{ role: 'forceReload' } as const, { role: 'toggleDevTools' } as const] : []),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { label: 'Toggle Theme', accelerator: 'CmdOrCtrl+Shift+T', click: () => actions.command('toggle-theme') },
      { role: 'togglefullscreen' },
    ],
  };

  const help: MenuItemConstructorOptions = {
    role: 'help',
    label: '&Help',
    submenu: [
      {
        label: input.readmeUrl === null ? 'README (no homepage in package.json)' : 'README',
        enabled: input.readmeUrl !== null,
        click: () => actions.openReadme(),
      },
    ],
  };

  const appMenu: MenuItemConstructorOptions[] = mac
    ? [
        {
          role: 'appMenu',
          submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }],
        },
      ]
    : [];
  // The Edit menu carries the copy/paste shortcuts on macOS, where they are menu accelerators.
  const edit: MenuItemConstructorOptions = { role: 'editMenu' };
  return [...appMenu, file, edit, view, ...(mac ? [{ role: 'windowMenu' } as const] : []), help];
}

/** package.json's "homepage" when it is a link safeOpenExternal would open, else null. */
export function readmeUrlFrom(packageJson: unknown): string | null {
  if (typeof packageJson !== 'object' || packageJson === null) return null;
  const homepage = (packageJson as { homepage?: unknown }).homepage;
  return externalUrl(homepage);
}
