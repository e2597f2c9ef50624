import type { Command } from 'commander';
import { exportReportToFile, importReportFile } from '../../report/import-export.js';
import { openCliStore, resolveSession, type GlobalOptions } from '../context.js';

export function registerExportImport(program: Command, globals: () => GlobalOptions): void {
  program
    .command('export')
    .description('write a session as a report JSON file (validated against resources/report.schema.json)')
    .argument('<id>', 'session id, a unique prefix of it, or "latest"')
    .requiredOption('--out <file>', 'where to write the report')
    .action((idArg: string, opts: { out: string }) => {
      const store = openCliStore(globals());
      try {
        const s = resolveSession(store, idArg);
        exportReportToFile(store, s.id, opts.out);
        process.stdout.write(`exported ${s.id} to ${opts.out}\n`);
      } finally {
        store.close();
      }
    });

  program
    .command('import')
    .description('store a report JSON file as a new session; prints its id')
    .argument('<file>', 'a report written by `export` or `report --json`')
    .option('--name <name>', 'name for the imported session')
    .action((file: string, opts: { name?: string }) => {
      const store = openCliStore(globals());
      try {
        const s = importReportFile(store, file, { name: opts.name });
        process.stdout.write(`${s.id}\n`);
      } finally {
        store.close();
      }
    });
}
