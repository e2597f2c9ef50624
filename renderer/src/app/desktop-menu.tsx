import { useEffect } from 'react';
import { useApi } from '../api/api-context.js';
import { desktopBridge } from '../api/backend-location.js';
import { saveExport } from '../api/files.js';
import { useReportError } from './error-banner.js';
import { navigate, useRoute } from './router.js';
import { useTheme } from './theme.js';

/**
 * The desktop shell's menu (main/menu.ts) sends File › Import report…, File › Export… and
 * View › Toggle Theme as plain DOM events on `window`; no function crosses the bridge.
 */
export const MENU_EVENTS = {
  importReport: 'sark-workbench:import-report',
  exportReport: 'sark-workbench:export-report',
  toggleTheme: 'sark-workbench:toggle-theme',
} as const;

export function DesktopMenuListener() {
  const api = useApi();
  const report = useReportError();
  const route = useRoute();
  const { toggle } = useTheme();
  const sessionId = route.page === 'session' ? route.id : null;

  useEffect(() => {
    const onImport = () => {
      const bridge = desktopBridge();
      if (!bridge) return;
      void (async () => {
        try {
          const file = await bridge.openFile();
          if (!file) return;
          const created = await api.call('sessions/import', { filename: file.name, content: file.content });
          navigate(`/session/${created.id}`);
        } catch (err) {
          report(err, 'Import failed');
        }
      })();
    };
    const onExport = () => {
      if (sessionId === null) {
        report(new Error('Open a session to export it'), 'Export');
        return;
      }
      void (async () => {
        try {
          await saveExport(await api.call('sessions/export', { id: sessionId, format: 'json' }));
        } catch (err) {
          report(err, 'Export failed');
        }
      })();
    };
    window.addEventListener(MENU_EVENTS.importReport, onImport);
    window.addEventListener(MENU_EVENTS.exportReport, onExport);
    window.addEventListener(MENU_EVENTS.toggleTheme, toggle);
    return () => {
      window.removeEventListener(MENU_EVENTS.importReport, onImport);
      window.removeEventListener(MENU_EVENTS.exportReport, onExport);
      window.removeEventListener(MENU_EVENTS.toggleTheme, toggle);
    };
  }, [api, report, sessionId, toggle]);
  return null;
}
