import type { Command } from 'commander';
import { openCliStore, type GlobalOptions } from '../context.js';
import { checkOutputPath } from '../output.js';
import { runRecordingCli } from './record-run.js';
import { addLoadOptions, addTargetOptions, loadFrom, targetFrom, type LoadFlags, type TargetFlags } from './target-options.js';

export function registerProfile(program: Command, globals: () => GlobalOptions, setExitCode: (code: number) => void): void {
  const cmd = program
    .command('profile')
    .description('record one profiling session: drive load at a target, profile it, and print what makes it slow')
    .option('--name <name>', 'session name')
    .option('--json <file>', 'write the report JSON to FILE');
  addTargetOptions(cmd);
  addLoadOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  sark-workbench profile --embedded --duration 30                 embedded server, baseline profile
  sark-workbench profile --embedded --profile optimized --duration 30
  sark-workbench profile --target-url http://127.0.0.1:8000 --pg postgres://... --redis redis://... --duration 60
  sark-workbench profile --pg postgres://... --redis redis://... --duration 120   observe only: no load, probes only`,
  );
  cmd.action(async (opts: TargetFlags & LoadFlags & { name?: string; json?: string }) => {
    const { target, embedded } = targetFrom(opts, true);
    const load = loadFrom(opts);
    if (opts.json) checkOutputPath('--json', opts.json);
    const store = openCliStore(globals());
    try {
      setExitCode(await runRecordingCli(store, { name: opts.name, target, load, embedded }, { json: opts.json }));
    } finally {
      store.close();
    }
  });
}
