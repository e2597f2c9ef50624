import { Command, CommanderError } from 'commander';
import { WorkbenchError, errorMessage } from '../common/errors.js';
import { redactText } from '../common/redact.js';
import { workbenchVersion } from '../report/build.js';
import { registerCompare } from './commands/compare.js';
import { registerExportImport } from './commands/export-import.js';
import { registerProfile } from './commands/profile.js';
import { registerReplay } from './commands/replay.js';
import { registerServe } from './commands/serve.js';
import { registerUi } from './commands/ui.js';
import { registerReport } from './commands/report.js';
import { registerSessions } from './commands/sessions.js';
import type { GlobalOptions } from './context.js';

/**
 * The `sark-workbench` command. Errors follow ARCHITECTURE.md: one line on stderr starting
 * `error:`, exit 2 for bad usage or input, 1 for runtime failure, a stack trace only with
 * --verbose.
 */
export async function main(argv: string[]): Promise<number> {
  let globals: GlobalOptions = {};
  let exitCode = 0;
  const program = new Command('sark-workbench')
    .description('Profiling workbench for authorization services: policy engine, Redis decision cache, Postgres audit log.')
    .version(workbenchVersion(), '-V, --version')
    .option('--db <path>', 'session store (SQLite file); default: $SARK_WORKBENCH_DB or the user data folder')
    .option('--verbose', 'print stack traces of errors')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) });

  const commands: Array<(p: Command) => void> = [
    (p) => registerProfile(p, () => globals, (c) => (exitCode = c)),
    (p) => registerServe(p),
    (p) => registerSessions(p, () => globals),
    (p) => registerReport(p, () => globals),
    (p) => registerCompare(p, () => globals, (c) => (exitCode = c)),
    (p) => registerExportImport(p, () => globals),
    (p) => registerReplay(p, () => globals, (c) => (exitCode = c)),
    (p) => registerUi(p, () => globals),
  ];
  for (const register of commands) register(program);
  for (const cmd of program.commands) {
    cmd.option('--db <path>', 'session store (SQLite file)').option('--verbose', 'print stack traces of errors');
  }
  program.hook('preAction', (_root, action) => {
    globals = action.optsWithGlobals<GlobalOptions>();
  });

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed "error: ..." (or the help / version).
      return err.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(`error: ${redactText(errorMessage(err))}\n`);
    if (globals.verbose && err instanceof Error && err.stack) process.stderr.write(`${redactText(err.stack)}\n`);
    return err instanceof WorkbenchError ? err.exitCode : 1;
  }
}
