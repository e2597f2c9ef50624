import type { Command } from 'commander';
import { openCliStore, resolveSession, type GlobalOptions } from '../context.js';
import { parseNumberOption } from '../parse-options.js';
import { checkOutputPath } from '../output.js';
import { runRecordingCli } from './record-run.js';
import { addTargetOptions, targetFrom, type TargetFlags } from './target-options.js';

export function registerReplay(program: Command, globals: () => GlobalOptions, setExitCode: (code: number) => void): void {
  const cmd = program
    .command('replay')
    .description("re-execute a session's recorded requests (same requests, same order) against a target; records a new, linked session")
    .argument('<id>', 'the session to replay (id, unique prefix, or "latest")')
    .option('--as-fast-as-possible', 'ignore the recorded pacing and send back to back')
    .option('--users <n>', 'virtual users for --as-fast-as-possible')
    .option('--name <name>', 'name of the new session')
    .option('--json <file>', 'write the report JSON to FILE');
  addTargetOptions(cmd);
  cmd.action(async (idArg: string, opts: TargetFlags & { asFastAsPossible?: boolean; users?: string; name?: string; json?: string }) => {
    // Validated before anything else: `--users abc` used to become NaN and be ignored silently.
    const users = opts.users === undefined ? undefined : parseNumberOption('--users', opts.users, { integer: true, min: 1 });
    if (opts.json) checkOutputPath('--json', opts.json);
    const store = openCliStore(globals());
    try {
      const source = resolveSession(store, idArg);
      // Default target: the same one the session ran against (embedded with its profile and knobs).
      const sameTarget = !opts.targetUrl && !opts.embedded && opts.set.length === 0 && opts.profile === 'baseline' && source.target_kind === 'embedded';
      const sourceUrl = (source.target as { url?: unknown }).url;
      let flags: TargetFlags = opts;
      if (sameTarget) flags = { ...opts, embedded: true, profile: source.profile ?? 'baseline', set: Object.entries(source.knobs).map(([k, v]) => `${k}=${String(v)}`) };
      else if (!opts.targetUrl && !opts.embedded && source.target_kind === 'external' && typeof sourceUrl === 'string') flags = { ...opts, targetUrl: sourceUrl };
      const { target, embedded } = targetFrom(flags, false);
      setExitCode(
        await runRecordingCli(
          store,
          { name: opts.name ?? `replay of ${source.name}`, target, embedded, load: users ? { users } : undefined, replay: { sessionId: source.id, asFastAsPossible: opts.asFastAsPossible ?? false } },
          { json: opts.json },
        ),
      );
    } finally {
      store.close();
    }
  });
}
