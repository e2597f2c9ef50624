import { Command } from 'commander';

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('sark-workbench')
    .description('Profiling workbench for authorization services (policy engine, Redis decision cache, Postgres audit log)');
  await program.parseAsync(argv);
  return 0;
}
