import { z } from 'zod';
import { UsageError } from '../core/common/errors.js';

/**
 * The whole IPC surface between the preload and the main process, in one place (VS Code's
 * "typed channels, never raw strings scattered"). main/preload.cts cannot import this file —
 * a sandboxed preload may only require('electron') — so it repeats the channel names, and
 * test/unit/main/preload.test.ts checks both lists stay equal.
 */
export const IPC_CHANNELS = {
  /** sendSync from the preload: where the backend is and its token (BackendInfo). */
  backendInfo: 'sark-workbench:backend-info',
  /** invoke: native open dialog, resolves to OpenedFile | null. */
  openFile: 'sark-workbench:open-file',
  /** invoke with SaveFileRequest: native save dialog, resolves to true when written. */
  saveFile: 'sark-workbench:save-file',
  /** main -> preload: a menu command (MenuCommand), re-dispatched as a DOM event. */
  menu: 'sark-workbench:menu',
} as const;

/**
 * Menu items that need the page (it knows the current session and owns the theme). The preload
 * turns each into a plain DOM event `sark-workbench:<command>` on window: an event carries no
 * API into the page, so the bridge stays the four members the renderer expects.
 */
export const MENU_COMMANDS = ['import-report', 'export-report', 'toggle-theme'] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

export function menuEventName(command: MenuCommand): string {
  return `sark-workbench:${command}`;
}

/**
 * Largest file the open dialog reads: the backend refuses imports past 64 MiB
 * (core/api/types.ts, `sessions/import` content), so reading more would only fail later.
 */
export const MAX_OPEN_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Largest content saveFile writes: every export arrives over the backend's WebSocket, whose
 * frames are capped at 80 MiB (core/api/server.ts MAX_FRAME_BYTES); anything bigger did not
 * come from the backend.
 */
export const MAX_SAVE_FILE_BYTES = 80 * 1024 * 1024;

/** File names are suggestions for the save dialog; 255 bytes is the common file-name limit (ext4, NTFS, APFS). */
export const MAX_FILE_NAME_CHARS = 255;

export interface BackendInfo {
  backendUrl: string;
  token: string;
}

export interface OpenedFile {
  name: string;
  content: string;
}

export interface SaveFileRequest {
  name: string;
  content: string;
}

const saveFileRequest = z
  .object({
    name: z.string().min(1).max(MAX_FILE_NAME_CHARS),
    // Bound the string before Buffer.byteLength walks it: UTF-8 needs at least one byte per UTF-16 unit.
    content: z.string().max(MAX_SAVE_FILE_BYTES),
  })
  .strict();

/** Validates what the page sent to saveFile; anything else is refused with a one-line reason. */
export function parseSaveFileRequest(payload: unknown): SaveFileRequest {
  const parsed = saveFileRequest.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'request';
    throw new UsageError(`saveFile refused: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  const bytes = Buffer.byteLength(parsed.data.content, 'utf8');
  if (bytes > MAX_SAVE_FILE_BYTES) {
    throw new UsageError(`saveFile refused: content is ${mib(bytes)} MiB, more than the ${mib(MAX_SAVE_FILE_BYTES)} MiB an export can be`);
  }
  return parsed.data;
}

export function mib(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0);
}
