import type { Command } from 'commander';
import { UsageError } from '../../common/errors.js';
import { DEFAULT_TIMING_BUDGET, KNOB_SPECS, parseKnobAssignments, startSarkServer } from '../../sark/index.js';
import { tuneServerProcess } from '../../sark/process-tuning.js';
import { targetFrom, type TargetFlags } from './target-options.js';

function knobsHelp(): string {
  const rows = KNOB_SPECS.map((k) => `  ${k.name.padEnd(22)} ${String(k.defaults.baseline).padStart(6)} -> ${String(k.defaults.optimized).padEnd(6)} ${k.description}`);
  return `Knobs (--set name=value), baseline -> optimized defaults:\n${rows.join('\n')}\n`;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the embedded SARK authorization server (the reference target) until Ctrl-C')
    .option('--embedded', 'the embedded server (the only kind `serve` runs)')
    .option('--port <n>', 'port on 127.0.0.1 (0 picks a free one)', '0')
    .option('--profile <name>', 'knob preset: baseline | optimized', 'baseline')
    .option('--set <knob=value>', 'override one knob (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--pg <url>', 'store data in this Postgres (schema sark_embedded) instead of the embedded one')
    .option('--redis <url>', 'cache decisions in this Redis instead of in process')
    .option('--no-profiling', 'run uninstrumented')
    .option('--timing-budget <n>', 'requests a second whose spans are all timed; above it 1 in k is, counts stay exact ("all": no limit)', String(DEFAULT_TIMING_BUDGET))
    .option('--dataset <sizes>', 'data set sizes, e.g. users=500,tools=200,audit-rows=100000')
    .option('--dataset-seed <n>', 'data set seed')
    .option('--help-knobs', 'list the knobs and their defaults')
    .action(async (opts: TargetFlags & { helpKnobs?: boolean }) => {
      if (opts.helpKnobs) {
        process.stdout.write(knobsHelp());
        return;
      }
      if ((opts as { targetUrl?: string }).targetUrl) throw new UsageError('serve runs the embedded server only');
      const { target, embedded } = targetFrom({ ...opts, embedded: true }, false);
      if (target.kind !== 'embedded') throw new UsageError('serve runs the embedded server only');
      // This process now exists to run the server (see process-tuning.ts).
      tuneServerProcess();
      const server = await startSarkServer({
        port: embedded.port ?? 0,
        profile: target.profile,
        knobs: parseKnobAssignments(Object.entries(target.knobs ?? {}).map(([k, v]) => `${k}=${String(v)}`)),
        pgUrl: target.pg,
        redisUrl: target.redis,
        profiling: embedded.profiling,
        timingBudget: embedded.timingBudget,
        sizes: embedded.sizes,
        seed: embedded.seed,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      process.stdout.write(`listening on ${server.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      process.stderr.write('stopping\n');
      await server.close();
    });
}
