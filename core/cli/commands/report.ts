import type { Command } from 'commander';
import { buildSessionReport } from '../../report/build.js';
import { callTreeToCpuProfile } from '../../report/cpuprofile.js';
import { exportReport } from '../../report/import-export.js';
import { renderMarkdownReport } from '../../report/markdown.js';
import { renderTextReport } from '../../report/text.js';
import { openCliStore, resolveSession, type GlobalOptions } from '../context.js';
import { writeOutputFile } from '../output.js';

export function registerReport(program: Command, globals: () => GlobalOptions): void {
  program
    .command('report')
    .description('print the report of a session (id, unique id prefix, or "latest")')
    .argument('<id>', 'session id, a unique prefix of it, or "latest"')
    .option('--json <file>', 'also write the report JSON (the export format) to FILE')
    .option('--markdown <file>', 'also write a Markdown summary for a pull request to FILE')
    .option('--cpuprofile <file>', 'also write the function profile as a .cpuprofile (Chrome DevTools, speedscope)')
    .option('--quiet', 'do not print the text report')
    .action((idArg: string, opts: { json?: string; markdown?: string; cpuprofile?: string; quiet?: boolean }) => {
      const store = openCliStore(globals());
      try {
        const s = resolveSession(store, idArg);
        const report = opts.json ? exportReport(store, s.id) : buildSessionReport(store, s.id);
        if (opts.json) writeOutputFile(opts.json, JSON.stringify(report, null, 2) + '\n');
        if (opts.markdown) writeOutputFile(opts.markdown, renderMarkdownReport(report));
        if (opts.cpuprofile) writeOutputFile(opts.cpuprofile, JSON.stringify(callTreeToCpuProfile(report.call_tree, Date.parse(report.session.started_at ?? '') || 0)));
        if (!opts.quiet) process.stdout.write(renderTextReport(report));
        for (const [what, file] of [['report JSON', opts.json], ['Markdown', opts.markdown], ['cpuprofile', opts.cpuprofile]] as const) {
          if (file) process.stderr.write(`wrote ${what} to ${file}\n`);
        }
      } finally {
        store.close();
      }
    });
}
