import { useState, type ChangeEvent } from 'react';
import { useApi } from '../../api/api-context.js';
import { desktopBridge } from '../../api/backend-location.js';
import { readPickedFile } from '../../api/files.js';
import { useReportError } from '../../app/error-banner.js';

/** Imports a report JSON: the native open dialog in Electron, a file input in the browser. */
export function ImportButton({ onImported }: { onImported: (r: { id: string; name: string }) => void }) {
  const api = useApi();
  const report = useReportError();
  const [busy, setBusy] = useState(false);
  const bridge = desktopBridge();

  const importContent = async (file: { name: string; content: string }) => {
    setBusy(true);
    try {
      onImported(await api.call('sessions/import', { filename: file.name, content: file.content }));
    } catch (err) {
      report(err, `Import of ${file.name} failed`);
    } finally {
      setBusy(false);
    }
  };

  if (bridge) {
    const pick = async () => {
      const file = await bridge.openFile();
      if (file) await importContent(file);
    };
    return (
      <button type="button" className="btn" onClick={() => void pick()} disabled={busy}>
        {busy ? 'Importing…' : 'Import…'}
      </button>
    );
  }

  const onChange = async (e: ChangeEvent<HTMLInputElement>) => {
    const input = e.currentTarget;
    const file = input.files?.[0];
    input.value = ''; // choosing the same file again must fire change again
    if (!file) return;
    try {
      await importContent(await readPickedFile(file));
    } catch (err) {
      report(err, 'Import failed');
    }
  };
  return (
    <label className={`btn file-btn${busy ? ' disabled' : ''}`}>
      <input type="file" accept=".json,application/json" className="visually-hidden" onChange={(e) => void onChange(e)} disabled={busy} data-testid="import-input" />
      {busy ? 'Importing…' : 'Import…'}
    </label>
  );
}
