import type { Command } from 'commander';
import { compareReports, failsRegressionGate } from '../../analysis/compare.js';
import { buildSessionReport } from '../../report/build.js';
import { renderComparisonMarkdown, renderComparisonText } from '../../report/compare-render.js';
import { openCliStore, resolveSession, type GlobalOptions } from '../context.js';
import { parseNumberOption } from '../parse-options.js';
import { writeOutputFile } from '../output.js';

export function registerCompare(program: Command, globals: () => GlobalOptions, setExitCode: (code: number) => void): void {
  program
    .command('compare')
    .description('compare two sessions: verdict, metrics with significance, queries, cache, functions')
    .argument('<baseline>', 'the session before the change')
    .argument('<candidate>', 'the session after the change')
    .option('--json <file>', 'write the comparison JSON to FILE')
    .option('--markdown <file>', 'write a Markdown summary to FILE')
    .option('--fail-on-regression <pct>', 'exit 1 when a key metric regressed significantly by more than PCT percent (CI gate)')
    .option('--min-effect <pct>', 'smallest change reported as significant, in percent', '5')
    .option('--alpha <p>', 'significance level of the Mann-Whitney test', '0.05')
    .action((a: string, b: string, opts: { json?: string; markdown?: string; failOnRegression?: string; minEffect: string; alpha: string }) => {
      const gate = opts.failOnRegression === undefined ? undefined : parseNumberOption('--fail-on-regression', opts.failOnRegression, { min: 0 });
      const minEffectPct = parseNumberOption('--min-effect', opts.minEffect, { min: 0, max: 1000 });
      const alpha = parseNumberOption('--alpha', opts.alpha, { min: 0.0001, max: 0.5 });
      const store = openCliStore(globals());
      try {
        const base = buildSessionReport(store, resolveSession(store, a).id);
        const cand = buildSessionReport(store, resolveSession(store, b).id);
        const cmp = compareReports(base, cand, { alpha, minEffectPct });
        if (opts.json) writeOutputFile(opts.json, JSON.stringify(cmp, null, 2) + '\n');
        if (opts.markdown) writeOutputFile(opts.markdown, renderComparisonMarkdown(cmp));
        process.stdout.write(renderComparisonText(cmp));
        if (gate !== undefined && failsRegressionGate(cmp, gate)) {
          const worst = cmp.regressions[0];
          process.stderr.write(
            `error: regression beyond ${gate}%: ${worst ? `${worst.metric} ${worst.change_pct === null ? '' : `${worst.change_pct > 0 ? '+' : ''}${worst.change_pct.toFixed(1)}%`}` : ''}\n`,
          );
          setExitCode(1);
        }
      } finally {
        store.close();
      }
    });
}
