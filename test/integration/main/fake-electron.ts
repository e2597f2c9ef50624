import { EventEmitter } from 'node:events';
import type { BrowserWindowConstructorOptions, MenuItemConstructorOptions } from 'electron';

/**
 * A stand-in for the parts of Electron main.ts touches, recording what it is asked to do. The
 * Electron binary cannot be downloaded here; this lets the test drive main.ts's real glue (and
 * the real backend it spawns) through startup, the preload's questions, the menu and quitting.
 */

export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
}

type IpcListener = (event: { senderFrame: FakeFrame | null; sender: unknown; returnValue?: unknown }, ...args: unknown[]) => unknown;

export class FakeWebContents extends EventEmitter {
  sent: Array<{ channel: string; args: unknown[] }> = [];
  openHandler: ((details: { url: string }) => { action: string }) | null = null;
  send(channel: string, ...args: unknown[]) {
    this.sent.push({ channel, args });
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.openHandler = handler;
  }
}

export function createFakeElectron(opts: { appPath: string; userData: string }) {
  const state = {
    app: new EventEmitter(),
    quitCalls: 0,
    sandboxEnabled: false,
    windows: [] as FakeBrowserWindow[],
    errorBoxes: [] as Array<{ title: string; content: string }>,
    menu: null as MenuItemConstructorOptions[] | null,
    ipcOn: new Map<string, IpcListener>(),
    ipcHandle: new Map<string, IpcListener>(),
    permissionRequest: null as unknown,
    headersListener: null as unknown,
    openedExternally: [] as string[],
    onWindow: [] as Array<(w: FakeBrowserWindow) => void>,
    onQuit: [] as Array<() => void>,
  };

  class FakeBrowserWindow extends EventEmitter {
    static getAllWindows = () => state.windows;
    static fromWebContents = (wc: unknown) => state.windows.find((w) => w.webContents === wc) ?? null;
    readonly webContents = new FakeWebContents();
    loaded: string[] = [];
    shown = false;
    constructor(readonly options: BrowserWindowConstructorOptions) {
      super();
      state.windows.push(this);
      state.app.emit('web-contents-created', {}, this.webContents);
      queueMicrotask(() => state.onWindow.forEach((l) => l(this)));
    }
    async loadURL(url: string) {
      this.loaded.push(url);
      this.emit('ready-to-show');
    }
    show() {
      this.shown = true;
    }
    isMinimized() {
      return false;
    }
    restore() {}
    focus() {}
  }

  const app = Object.assign(state.app, {
    isPackaged: false,
    getAppPath: () => opts.appPath,
    getPath: (name: string) => `${opts.userData}/${name}`,
    enableSandbox: () => void (state.sandboxEnabled = true),
    requestSingleInstanceLock: () => true,
    whenReady: () => Promise.resolve(),
    quit: () => {
      state.quitCalls++;
      // Electron: quit emits before-quit, then will-quit; a will-quit listener may cancel it.
      state.app.emit('before-quit', { preventDefault() {} });
      let cancelled = false;
      state.app.emit('will-quit', { preventDefault: () => void (cancelled = true) });
      if (!cancelled) state.onQuit.forEach((l) => l());
    },
  });

  const module = {
    app,
    BrowserWindow: FakeBrowserWindow,
    dialog: {
      showErrorBox: (title: string, content: string) => void state.errorBoxes.push({ title, content }),
      showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
      showSaveDialog: async () => ({ canceled: true, filePath: '' }),
      showMessageBox: async () => ({ response: 0, checkboxChecked: false }),
    },
    Menu: {
      buildFromTemplate: (template: MenuItemConstructorOptions[]) => template,
      setApplicationMenu: (menu: MenuItemConstructorOptions[]) => void (state.menu = menu),
    },
    nativeTheme: { shouldUseDarkColors: true },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: unknown) => void (state.permissionRequest = h),
        setPermissionCheckHandler: () => undefined,
        setDevicePermissionHandler: () => undefined,
        webRequest: { onHeadersReceived: (_filter: unknown, l: unknown) => void (state.headersListener = l) },
      },
    },
    ipcMain: {
      on: (channel: string, l: IpcListener) => void state.ipcOn.set(channel, l),
      handle: (channel: string, l: IpcListener) => void state.ipcHandle.set(channel, l),
    },
    shell: { openExternal: async (url: string) => void state.openedExternally.push(url) },
    utilityProcess: {
      fork: () => {
        throw new Error('not packaged: the development path must not fork a utility process');
      },
    },
  };

  const nextWindow = () => new Promise<FakeBrowserWindow>((resolve) => state.onWindow.push(resolve));
  const quitted = () => new Promise<void>((resolve) => state.onQuit.push(resolve));
  return { module, state, nextWindow, quitted };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;
