import { exportReport } from '../../report/import-export.js';
import { buildSessionReport } from '../../report/build.js';
import { renderTextReport } from '../../report/text.js';
import { startRecording, type RecordOptions } from '../../session/index.js';
import type { Store } from '../../store/index.js';
import { ProgressLine } from '../progress.js';
import { writeOutputFile } from '../output.js';

/**
 * Runs one recording from the CLI: live progress on stderr, Ctrl-C cancels (keeping what was
 * recorded; a second Ctrl-C quits at once), then the text report on stdout, the session id, and
 * the report JSON when asked. Resolves to the exit code.
 */
export async function runRecordingCli(store: Store, opts: RecordOptions, out: { json?: string }): Promise<number> {
  const progress = new ProgressLine();
  const rec = await startRecording(store, opts, {
    onProgress: (p) => progress.update(p),
    onLog: (level, message) => progress.log(level === 'info' ? message : `${level}: ${message}`),
  });
  progress.log(`session ${rec.sessionId} (${rec.name}) recording${rec.plannedS ? ` for ${Math.round(rec.plannedS)} s` : ''}; Ctrl-C to cancel`);
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      progress.log('cancelling: finishing the session with what was recorded (Ctrl-C again to quit now)');
      rec.cancel();
    } else {
      progress.log(`quitting; session ${rec.sessionId} will show as interrupted`);
      process.exit(130);
    }
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    const result = await rec.done;
    progress.clear();
    const report = out.json ? exportReport(store, result.sessionId) : buildSessionReport(store, result.sessionId);
    process.stdout.write(renderTextReport(report));
    if (out.json) {
      writeOutputFile(out.json, JSON.stringify(report, null, 2) + '\n');
      process.stderr.write(`wrote report JSON to ${out.json}\n`);
    }
    process.stdout.write(`\nsession: ${result.sessionId} (${result.status})\n`);
    if (result.status === 'failed') {
      process.stderr.write(`error: the session failed: ${result.error ?? 'unknown error'}\n`);
      return 1;
    }
    return result.status === 'cancelled' ? 130 : 0;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}
