import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, Menu, nativeTheme, session, utilityProcess } from 'electron';
import { contentSecurityPolicy } from '../core/api/static-files.js';
import { errorMessage } from '../core/common/errors.js';
import { dbPathFromArgv, launchPlan, type BackendAddress } from './backend-launch.js';
import { fromChildProcess, fromUtilityProcess, waitForBackend, type BackendProcess, type RunningBackend } from './backend-process.js';
import { IPC_CHANNELS } from './ipc-contract.js';
import { registerIpcHandlers } from './ipc-handlers.js';
import { menuTemplate, readmeUrlFrom } from './menu.js';
import { safeOpenExternal } from './safe-open-external.js';
import { hardenSession, hardenWebContents, windowOptions } from './window.js';

/**
 * The Electron main process: glue only (ARCHITECTURE.md). It starts the backend
 * (`sark-workbench ui`), opens one window on the page the backend serves, and stops the backend
 * when the app quits. Profiling and recording never run here or in the renderer.
 */

const isDev = !app.isPackaged;
const here = dirname(fileURLToPath(import.meta.url));
const preloadPath = join(here, 'preload.cjs');
const iconPath = join(app.getAppPath(), 'resources', 'icons', 'icon.png');

let backend: RunningBackend | null = null;
let mainWindow: BrowserWindow | null = null;
let quitting = false;
let backendStopped = false;

const pageOrigin = () => backend?.address.origin ?? null;

// #4 of the security checklist for every renderer, whatever a window's options say.
app.enableSandbox();

function spawnBackend(): BackendProcess {
  const plan = launchPlan({ isPackaged: app.isPackaged, appPath: app.getAppPath(), env: process.env, dbPath: dbPathFromArgv(process.argv) });
  if (plan.kind === 'utility') {
    return fromUtilityProcess(utilityProcess.fork(plan.modulePath, plan.args, { stdio: 'pipe', serviceName: 'SARK Workbench backend' }));
  }
  // The IPC channel is the lifeline: if this process dies, the backend sees 'disconnect' and exits.
  return fromChildProcess(spawn(plan.command, plan.args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], windowsHide: true }));
}

function readmeUrl(): string | null {
  try {
    return readmeUrlFrom(JSON.parse(readFileSync(join(app.getAppPath(), 'package.json'), 'utf8')));
  } catch {
    return null;
  }
}

function createWindow(address: BackendAddress): void {
  const win = new BrowserWindow(windowOptions({ preloadPath, dark: nativeTheme.shouldUseDarkColors, isDev, iconPath }));
  mainWindow = win;
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  // The page without the token: the preload hands it over, so it is never in a URL or history.
  win.loadURL(address.pageUrl).catch((err: unknown) => {
    if (!quitting) dialog.showErrorBox('SARK Workbench', `The workbench page did not load: ${errorMessage(err)}`);
  });
}

function installMenu(): void {
  const url = readmeUrl();
  const template = menuTemplate({
    platform: process.platform,
    isDev,
    readmeUrl: url,
    actions: {
      command: (command) => mainWindow?.webContents.send(IPC_CHANNELS.menu, command),
      openReadme: () => void safeOpenExternal(url),
    },
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

async function start(): Promise<void> {
  hardenSession(session.defaultSession, pageOrigin, () => (backend ? contentSecurityPolicy(backend.address.port) : null));
  registerIpcHandlers({
    backend: () => (backend ? { backendUrl: backend.address.origin, token: backend.address.token } : null),
    pageOrigin,
    saveDir: () => app.getPath('documents'),
  });
  installMenu();
  try {
    backend = await waitForBackend(spawnBackend(), { forwardStderr: isDev ? (chunk) => void process.stderr.write(chunk) : undefined });
  } catch (err) {
    dialog.showErrorBox('SARK Workbench could not start', errorMessage(err));
    backendStopped = true;
    app.quit();
    return;
  }
  backend.onUnexpectedExit((message) => {
    backendStopped = true;
    if (quitting) return;
    dialog.showErrorBox('SARK Workbench stopped', message);
    app.quit();
  });
  createWindow(backend.address);
}

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the window and the backend; it is told via 'second-instance'.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, { pageOrigin, openExternal: (url) => void safeOpenExternal(url) });
  });
  app.on('window-all-closed', () => {
    // macOS apps stay open without windows; 'activate' brings one back.
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (backend && !backendStopped && BrowserWindow.getAllWindows().length === 0) createWindow(backend.address);
  });
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('will-quit', (event) => {
    if (backend === null || backendStopped) return;
    // Let the backend close its store (SIGTERM, then a grace period), then quit for real.
    event.preventDefault();
    const stopping = backend;
    void stopping.stop().finally(() => {
      backendStopped = true;
      app.quit();
    });
  });
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      dialog.showErrorBox('SARK Workbench could not start', errorMessage(err));
      app.quit();
    });
}
