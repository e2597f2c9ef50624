import { Command, CommanderError } from 'commander';
import { WorkbenchError, errorMessage } from '../common/errors.js';
import { redactText } from '../common/redact.js';
import { workbenchVersion } from '../report/build.js';
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

  const getGlobals = () => globals;
  const setExit = (c: number) => (exitCode = c);
  // Each command's module is imported only when needed: `serve` alone pulls in the server, and
  // importing every command first cost ~0.15 s of each `serve --embedded` start.
  const commands: Array<{ names: readonly string[]; register: (p: Command) => Promise<void> }> = [
    { names: ['profile'], register: async (p) => (await import('./commands/profile.js')).registerProfile(p, getGlobals, setExit) },
    { names: ['serve'], register: async (p) => (await import('./commands/serve.js')).registerServe(p) },
    { names: ['sessions'], register: async (p) => (await import('./commands/sessions.js')).registerSessions(p, getGlobals) },
    { names: ['report'], register: async (p) => (await import('./commands/report.js')).registerReport(p, getGlobals) },
    { names: ['compare'], register: async (p) => (await import('./commands/compare.js')).registerCompare(p, getGlobals, setExit) },
    { names: ['export', 'import'], register: async (p) => (await import('./commands/export-import.js')).registerExportImport(p, getGlobals) },
    { names: ['replay'], register: async (p) => (await import('./commands/replay.js')).registerReplay(p, getGlobals, setExit) },
    { names: ['ui'], register: async (p) => (await import('./commands/ui.js')).registerUi(p, getGlobals) },
  ];
  // The command is the first argument that is not an option (none of the global options takes a
  // value but --db). Anything else (help, --version, a typo) registers them all, so commander's
  // help lists every command and its "unknown command" error suggests the right one.
  const named = commandName(argv.slice(2));
  const wanted = commands.filter((c) => named !== undefined && c.names.includes(named));
  for (const c of wanted.length === 1 ? wanted : commands) await c.register(program);
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

/** The first non-option argument (skipping --db's value), if any. */
function commandName(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--db') {
      i++;
      continue;
    }
    if (!a.startsWith('-')) return a;
  }
  return undefined;
}
