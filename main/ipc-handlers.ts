import { BrowserWindow, dialog, ipcMain, type IpcMainEvent, type IpcMainInvokeEvent, type WebFrameMain } from 'electron';
import { UsageError } from '../core/common/errors.js';
import { openFileHandler, saveFileHandler, type DialogPort } from './file-dialogs.js';
import { IPC_CHANNELS, type BackendInfo } from './ipc-contract.js';
import { isTrustedSender } from './web-policy.js';

/**
 * The main-process end of the preload's three calls. Every one first checks who is asking
 * (security checklist #17): only the workbench page's top frame. Payloads are validated in
 * file-dialogs.ts / ipc-contract.ts.
 */

function senderFrame(frame: WebFrameMain | null): { url: string; isTopFrame: boolean } | null {
  return frame === null ? null : { url: frame.url, isTopFrame: frame.parent === null };
}

/** Dialogs modal to the window that asked (or free-standing if it is gone). */
function dialogsFor(win: BrowserWindow | null): DialogPort {
  return {
    showOpenDialog: (options) => (win ? dialog.showOpenDialog(win, options) : dialog.showOpenDialog(options)),
    showSaveDialog: (options) => (win ? dialog.showSaveDialog(win, options) : dialog.showSaveDialog(options)),
    showError: async (message, detail) => {
      const options = { type: 'error' as const, title: 'SARK Workbench', message, detail };
      await (win ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options));
    },
  };
}

export interface IpcContext {
  /** The running backend's address, or null before it is up. */
  backend: () => BackendInfo | null;
  /** The origin the workbench page is served from (the backend's). */
  pageOrigin: () => string | null;
  /** Where the save dialog starts (app.getPath('documents')). */
  saveDir: () => string;
}

export function registerIpcHandlers(ctx: IpcContext): void {
  const trusted = (event: IpcMainEvent | IpcMainInvokeEvent) => isTrustedSender(senderFrame(event.senderFrame), ctx.pageOrigin());
  const requireTrusted = (event: IpcMainInvokeEvent) => {
    if (!trusted(event)) throw new UsageError('refused: this page may not use the workbench bridge');
  };

  ipcMain.on(IPC_CHANNELS.backendInfo, (event) => {
    const info = ctx.backend();
    event.returnValue = info !== null && trusted(event) ? info : null;
  });
  ipcMain.handle(IPC_CHANNELS.openFile, async (event) => {
    requireTrusted(event);
    return openFileHandler(dialogsFor(BrowserWindow.fromWebContents(event.sender)));
  });
  ipcMain.handle(IPC_CHANNELS.saveFile, async (event, payload: unknown) => {
    requireTrusted(event);
    return saveFileHandler(dialogsFor(BrowserWindow.fromWebContents(event.sender)), payload, ctx.saveDir());
  });
}
