import type { Command } from 'commander';
import { toListItem } from '../../api/session-list.js';
import { int, ms, pct, textTable } from '../../report/table.js';
import { SESSION_STATUSES, type SessionStatus } from '../../store/index.js';
import { UsageError } from '../../common/errors.js';
import { openCliStore, type GlobalOptions } from '../context.js';
import { printJson } from '../output.js';

export function registerSessions(program: Command, globals: () => GlobalOptions): void {
  program
    .command('sessions')
    .description('list recorded and imported sessions, newest first')
    .option('--json', 'print JSON instead of a table')
    .option('--search <text>', 'only sessions whose name, id, target or profile contains this')
    .option('--status <status>', `only sessions with this status (${SESSION_STATUSES.join(', ')})`)
    .action((opts: { json?: boolean; search?: string; status?: string }) => {
      if (opts.status !== undefined && !SESSION_STATUSES.includes(opts.status as SessionStatus)) {
        throw new UsageError(`--status must be one of ${SESSION_STATUSES.join(', ')}, got "${opts.status}"`);
      }
      const store = openCliStore(globals());
      try {
        const list = store.sessions.list({ search: opts.search, status: opts.status as SessionStatus | undefined }).map(toListItem);
        if (opts.json) return printJson(list);
        if (list.length === 0) {
          process.stdout.write('No sessions yet. Record one with: npx sark-workbench profile --embedded --duration 30\n');
          return;
        }
        process.stdout.write(
          textTable(
            [
              { header: 'ID' },
              { header: 'Name' },
              { header: 'Status' },
              { header: 'Target' },
              { header: 'Started' },
              { header: 'Duration', align: 'right' },
              { header: 'Requests', align: 'right' },
              { header: 'Req/s', align: 'right' },
              { header: 'P95 ms', align: 'right' },
              { header: 'Hit rate', align: 'right' },
            ],
            list.map((s) => [
              s.id,
              s.name,
              s.status,
              s.target,
              s.started_at ? s.started_at.replace('T', ' ').slice(0, 19) : '-',
              `${Math.round(s.duration_s)} s`,
              int(s.requests),
              s.throughput_rps === null ? '-' : s.throughput_rps.toFixed(1),
              ms(s.p95_ms),
              pct(s.hit_rate),
            ]),
            '',
          ) + '\n',
        );
      } finally {
        store.close();
      }
    });
}
