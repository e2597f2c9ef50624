import { open, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { FileFilter, OpenDialogOptions, OpenDialogReturnValue, SaveDialogOptions, SaveDialogReturnValue } from 'electron';
import { UsageError, WorkbenchError, errorMessage } from '../core/common/errors.js';
import { MAX_FILE_NAME_CHARS, MAX_OPEN_FILE_BYTES, mib, parseSaveFileRequest, type OpenedFile } from './ipc-contract.js';

/**
 * The main-process side of the bridge's openFile / saveFile. The page never names a path: it
 * gets the content of the one file the user picked, and its content is written only where the
 * user chose in the save dialog (the page's file name is just the dialog's suggestion).
 * Electron's dialog is injected, so this is tested with plain Node and real files.
 */

/** The bits of Electron's dialog used here, already bound to the window (main.ts). */
export interface DialogPort {
  showOpenDialog(options: OpenDialogOptions): Promise<OpenDialogReturnValue>;
  showSaveDialog(options: SaveDialogOptions): Promise<SaveDialogReturnValue>;
  showError(message: string, detail: string): Promise<void>;
}

/** What the backend exports (core/api/types.ts `sessions/export` formats). */
export const FILE_FILTERS = {
  json: { name: 'Workbench report (JSON)', extensions: ['json'] },
  markdown: { name: 'Markdown', extensions: ['md'] },
  cpuprofile: { name: 'CPU profile (Chrome DevTools)', extensions: ['cpuprofile'] },
} as const satisfies Record<string, FileFilter>;

const ALL_FILES: FileFilter = { name: 'All files', extensions: ['*'] };

/** Reading in chunks: a file that grows between stat and read still cannot exceed the cap. */
const READ_CHUNK_BYTES = 1024 * 1024;

/** A bare file name for the save dialog: no directories, no control characters, no dot-files. */
export function suggestedFileName(name: string): string {
  const base = basename(name.replace(/\\/g, '/'))
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
    .replace(/^[.\s]+/, '')
    .trim()
    .slice(0, MAX_FILE_NAME_CHARS);
  return base === '' ? 'report.json' : base;
}

/** The filter matching the suggested name first (the dialog preselects it), then the others. */
export function saveFilters(name: string): FileFilter[] {
  const ext = extname(name).slice(1).toLowerCase();
  const filters: FileFilter[] = Object.values(FILE_FILTERS).map((f) => ({ name: f.name, extensions: [...f.extensions] }));
  const i = filters.findIndex((f) => f.extensions.includes(ext));
  if (i > 0) filters.unshift(...filters.splice(i, 1));
  return [...filters, ALL_FILES];
}

/** Reads the picked file as UTF-8 (a BOM dropped), refusing anything past maxBytes. */
export async function readPickedFile(path: string, maxBytes = MAX_OPEN_FILE_BYTES): Promise<OpenedFile> {
  const name = basename(path);
  const tooBig = (bytes: number) => new UsageError(`${name} is ${mib(bytes)} MiB; reports larger than ${mib(maxBytes)} MiB cannot be imported`);
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw new WorkbenchError(`cannot open ${name}: ${errorMessage(err)}`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new UsageError(`${name} is not a file`);
    if (stat.size > maxBytes) throw tooBig(stat.size);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(READ_CHUNK_BYTES);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw tooBig(total);
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return { name, content: new TextDecoder('utf-8').decode(Buffer.concat(chunks, total)) };
  } finally {
    await handle.close();
  }
}

/** bridge.openFile(): the user picks a report; null when cancelled or unreadable (the user is told why). */
export async function openFileHandler(dialogs: DialogPort): Promise<OpenedFile | null> {
  const picked = await dialogs.showOpenDialog({
    title: 'Import report',
    properties: ['openFile'],
    filters: [{ ...FILE_FILTERS.json, extensions: [...FILE_FILTERS.json.extensions] }, ALL_FILES],
  });
  const path = picked.filePaths[0];
  if (picked.canceled || path === undefined) return null;
  try {
    return await readPickedFile(path);
  } catch (err) {
    await dialogs.showError('The report could not be read', errorMessage(err));
    return null;
  }
}

/**
 * bridge.saveFile(name, content): validated payload, then the save dialog; writes to the chosen
 * path only. False when cancelled or when writing failed (the user is told why). A malformed
 * payload is refused with an error (the page has a bug; nothing is shown or written).
 */
export async function saveFileHandler(dialogs: DialogPort, payload: unknown, defaultDir: string): Promise<boolean> {
  const request = parseSaveFileRequest(payload);
  const name = suggestedFileName(request.name);
  const chosen = await dialogs.showSaveDialog({
    title: 'Export',
    defaultPath: join(defaultDir, name),
    filters: saveFilters(name),
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  });
  if (chosen.canceled || !chosen.filePath) return false;
  try {
    await writeFile(chosen.filePath, request.content, 'utf8');
    return true;
  } catch (err) {
    await dialogs.showError('The export could not be saved', errorMessage(err));
    return false;
  }
}
