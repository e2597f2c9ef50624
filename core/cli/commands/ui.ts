import type { Command } from 'commander';
import { startBackend } from '../../api/backend.js';
import { openCliStore, type GlobalOptions } from '../context.js';
import { parseNumberOption } from '../parse-options.js';
import { targetFrom, type TargetFlags } from './target-options.js';

/**
 * `ui`: the local backend serving the API and the built renderer (web mode). Prints exactly one
 * line on stdout, the URL to open with its per-launch token; Electron's main process reads the
 * same line when it spawns the backend.
 */
export function registerUi(program: Command, globals: () => GlobalOptions): void {
  program
    .command('ui')
    .description('start the workbench UI in your browser (prints the URL to open, token included)')
    .option('--port <n>', 'port on 127.0.0.1 (0 picks a free one)', '0')
    .option('--allow-origin <origin>', 'also accept API connections from this Origin (the desktop shell)', (v: string, p: string[]) => [...p, v], [] as string[])
    .option('--dataset <sizes>', 'embedded data set sizes for recordings started from the UI')
    .action(async (opts: { port: string; allowOrigin: string[]; dataset?: string }) => {
      const port = parseNumberOption('--port', opts.port, { integer: true, min: 0, max: 65535 });
      const { embedded } = targetFrom({ profile: 'baseline', set: [], profiling: true, dataset: opts.dataset } as TargetFlags, false);
      const store = openCliStore(globals());
      const backend = await startBackend({
        store,
        port,
        allowedOrigins: opts.allowOrigin,
        embeddedDefaults: { sizes: embedded.sizes },
        log: (line) => process.stderr.write(`${line}\n`),
      });
      process.stdout.write(`${backend.openUrl}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
        // Spawned by the desktop shell: exit with it.
        process.once('disconnect', resolve);
      });
      await backend.close();
      store.close();
      // Spawned with an IPC channel (the desktop shell), the open channel would keep us alive.
      if (process.connected) process.disconnect();
    });
}
