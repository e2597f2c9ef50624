import { defaultDbPath } from '../common/paths.js';
import { UsageError } from '../common/errors.js';
import { openStore, type SessionRecord, type Store } from '../store/index.js';

/** Options every command takes (ARCHITECTURE.md: `--db PATH`, env SARK_WORKBENCH_DB). */
export interface GlobalOptions {
  db?: string;
  verbose?: boolean;
}

export function openCliStore(opts: GlobalOptions): Store {
  return openStore(opts.db ?? defaultDbPath());
}

/**
 * A session given on the command line: its id, a unique prefix of it, `latest` (the most
 * recent), or its name when no other session has it. Clear errors for none or several.
 */
export function resolveSession(store: Store, arg: string): SessionRecord {
  const exact = store.sessions.get(arg);
  if (exact) return exact;
  const all = store.sessions.list();
  if (arg === 'latest' || arg === 'last') {
    const first = all[0];
    if (!first) throw new UsageError('there are no sessions yet; record one with `sark-workbench profile --embedded`');
    return first;
  }
  const matches = all.filter((s) => s.id.startsWith(arg));
  if (matches.length === 1) return matches[0] as SessionRecord;
  if (matches.length > 1) throw new UsageError(`"${arg}" matches ${matches.length} sessions; give more of the id`);
  const named = all.filter((s) => s.name === arg);
  if (named.length === 1) return named[0] as SessionRecord;
  if (named.length > 1) throw new UsageError(`${named.length} sessions are named "${arg}"; use an id (\`sark-workbench sessions\`)`);
  throw new UsageError(`no session "${arg}"; run \`sark-workbench sessions\` to list them`);
}

