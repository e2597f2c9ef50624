import { compareReports } from '../analysis/compare.js';
import { UsageError } from '../common/errors.js';
import { buildSessionReport } from '../report/build.js';
import { callTreeToCpuProfile } from '../report/cpuprofile.js';
import { exportReport, importReport } from '../report/import-export.js';
import { renderMarkdownReport } from '../report/markdown.js';
import { MAX_REPORT_BYTES, parseReportText } from '../report/validate.js';
import { SESSION_STATUSES, type SessionStatus, type Store } from '../store/index.js';
import { toListItem } from './session-list.js';
import type { ApiParams, ApiResults } from './types.js';

/** sessions/*: list, read, compare, export, import, delete, rename. */

function requireSession(store: Store, id: string) {
  const s = store.sessions.get(id);
  if (!s) throw new UsageError(`no session "${id}"`);
  return s;
}

function fileStem(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'session';
}

export function sessionHandlers(store: Store, isRecording: (id: string) => boolean, changed: (reason: 'deleted' | 'updated' | 'imported') => void) {
  return {
    async 'sessions/list'(p: ApiParams<'sessions/list'>): Promise<ApiResults['sessions/list']> {
      let status: SessionStatus | undefined;
      if (p.status) {
        if (!SESSION_STATUSES.includes(p.status as SessionStatus)) throw new UsageError(`unknown status "${p.status}"`);
        status = p.status as SessionStatus;
      }
      return store.sessions.list({ search: p.search || undefined, status }).map(toListItem);
    },
    async 'sessions/get'(p: ApiParams<'sessions/get'>): Promise<ApiResults['sessions/get']> {
      requireSession(store, p.id);
      return buildSessionReport(store, p.id);
    },
    async 'sessions/delete'(p: ApiParams<'sessions/delete'>): Promise<ApiResults['sessions/delete']> {
      for (const id of p.ids) {
        requireSession(store, id);
        if (isRecording(id)) throw new UsageError(`session ${id} is recording; stop it first`);
      }
      let deleted = 0;
      for (const id of p.ids) if (store.sessions.delete(id)) deleted++;
      changed('deleted');
      return { deleted };
    },
    async 'sessions/rename'(p: ApiParams<'sessions/rename'>): Promise<ApiResults['sessions/rename']> {
      requireSession(store, p.id);
      store.sessions.rename(p.id, p.name);
      changed('updated');
      return { id: p.id, name: p.name };
    },
    async 'sessions/events'(p: ApiParams<'sessions/events'>): Promise<ApiResults['sessions/events']> {
      requireSession(store, p.id);
      return store.reader
        .getEvents(p.id, { minLevel: 'info', limit: 10_000 })
        .map((e) => ({ t_ms: e.t_ms, level: e.level === 'debug' ? 'info' : e.level, kind: e.kind, message: e.message }));
    },
    async 'sessions/compare'(p: ApiParams<'sessions/compare'>): Promise<ApiResults['sessions/compare']> {
      requireSession(store, p.baseline);
      requireSession(store, p.candidate);
      return compareReports(buildSessionReport(store, p.baseline), buildSessionReport(store, p.candidate));
    },
    async 'sessions/export'(p: ApiParams<'sessions/export'>): Promise<ApiResults['sessions/export']> {
      const s = requireSession(store, p.id);
      const stem = `${fileStem(s.name)}-${s.id}`;
      if (p.format === 'json') return { filename: `${stem}.json`, mime: 'application/json', content: JSON.stringify(exportReport(store, p.id), null, 2) };
      const report = buildSessionReport(store, p.id);
      if (p.format === 'markdown') return { filename: `${stem}.md`, mime: 'text/markdown', content: renderMarkdownReport(report) };
      const profile = callTreeToCpuProfile(report.call_tree, Date.parse(report.session.started_at ?? '') || 0);
      return { filename: `${stem}.cpuprofile`, mime: 'application/json', content: JSON.stringify(profile) };
    },
    async 'sessions/import'(p: ApiParams<'sessions/import'>): Promise<ApiResults['sessions/import']> {
      const label = p.filename ?? 'report';
      if (Buffer.byteLength(p.content) > MAX_REPORT_BYTES) throw new UsageError(`${label}: larger than the ${MAX_REPORT_BYTES}-byte limit for a report`);
      const created = importReport(store, parseReportText(p.content, label));
      changed('imported');
      return { id: created.id, name: created.name };
    },
  };
}
