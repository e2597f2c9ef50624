import type { ExportResult } from '../../../core/api/types.js';
import { desktopBridge } from './backend-location.js';

/** Saves an export: the native save dialog in Electron, a Blob download in the browser. */
export async function saveExport(result: ExportResult): Promise<boolean> {
  const bridge = desktopBridge();
  if (bridge) return bridge.saveFile(result.filename, result.content);
  const blob = new Blob([result.content], { type: result.mime });
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = result.filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoke after the click has been handled; revoking at once can cancel the download.
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
  return true;
}

/** Largest import the backend accepts (core/api/types.ts: sessions/import content max 64 MiB). */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

export async function readPickedFile(file: File): Promise<{ name: string; content: string }> {
  if (file.size > MAX_IMPORT_BYTES) throw new Error(`${file.name} is ${(file.size / 1048576).toFixed(0)} MiB; reports larger than 64 MiB cannot be imported`);
  return { name: file.name, content: await file.text() };
}
