import { useState } from 'react';
import { useApi } from '../../api/api-context.js';
import { saveExport } from '../../api/files.js';
import { useReportError } from '../../app/error-banner.js';

const FORMATS = [
  { format: 'json', label: 'JSON', title: 'The full report (re-importable)' },
  { format: 'markdown', label: 'Markdown', title: 'A readable report for a pull request or wiki' },
  { format: 'cpuprofile', label: '.cpuprofile', title: 'The call tree for Chrome DevTools / speedscope' },
] as const;

export function ExportButtons({ id }: { id: string }) {
  const api = useApi();
  const report = useReportError();
  const [busy, setBusy] = useState<string | null>(null);
  const run = async (format: (typeof FORMATS)[number]['format']) => {
    setBusy(format);
    try {
      await saveExport(await api.call('sessions/export', { id, format }));
    } catch (err) {
      report(err, `Export as ${format} failed`);
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="btn-group" role="group" aria-label="Export">
      <span className="btn-group-label">Export</span>
      {FORMATS.map((f) => (
        <button key={f.format} type="button" className="btn" title={f.title} onClick={() => void run(f.format)} disabled={busy !== null} data-testid={`export-${f.format}`}>
          {busy === f.format ? '…' : f.label}
        </button>
      ))}
    </div>
  );
}
