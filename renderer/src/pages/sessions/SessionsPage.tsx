import { useMemo, useState } from 'react';
import type { SessionListItem } from '../../../../core/api/types.js';
import { useApi, useApiEvent } from '../../api/api-context.js';
import { useCall } from '../../api/use-call.js';
import { useReportError } from '../../app/error-banner.js';
import { comparePath, Link, navigate, sessionPath } from '../../app/router.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { DataTable } from '../../components/DataTable.js';
import { EmptyState, InlineError, Loading } from '../../components/EmptyState.js';
import { SESSION_COLUMNS } from './columns.js';
import { ImportButton } from './ImportButton.js';

const STATUSES = ['completed', 'recording', 'interrupted', 'failed', 'cancelled'] as const;

function matches(s: SessionListItem, needle: string, status: string): boolean {
  if (status && s.status !== status) return false;
  if (!needle) return true;
  return [s.name, s.id, s.target, s.profile ?? ''].some((f) => f.toLowerCase().includes(needle));
}

/** Baseline = the older of two sessions, candidate = the newer (the usual before/after reading). */
function orderForCompare(a: SessionListItem, b: SessionListItem): [SessionListItem, SessionListItem] {
  return (a.started_at ?? '') <= (b.started_at ?? '') ? [a, b] : [b, a];
}

export function SessionsPage() {
  const api = useApi();
  const report = useReportError();
  const list = useCall('sessions/list', {}, 'all');
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('');
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const [notice, setNotice] = useState('');
  useApiEvent('sessions/changed', () => list.reload());

  const sessions = useMemo(() => list.data ?? [], [list.data]);
  const rows = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return sessions.filter((s) => matches(s, needle, status));
  }, [sessions, search, status]);
  const chosen = sessions.filter((s) => selected.has(s.id));

  const toggle = (id: string) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const compare = () => {
    const [a, b] = chosen;
    if (!a || !b) return;
    const [base, cand] = orderForCompare(a, b);
    navigate(comparePath(base.id, cand.id));
  };

  const remove = async () => {
    const ids = chosen.map((s) => s.id);
    setConfirming(false);
    try {
      const r = await api.call('sessions/delete', { ids });
      setSelected(new Set());
      setNotice(`Deleted ${r.deleted} session${r.deleted === 1 ? '' : 's'}.`);
      list.reload();
    } catch (err) {
      report(err, 'Delete failed');
    }
  };

  return (
    <div className="page">
      <div className="page-head">
        <h1 className="page-title">Sessions</h1>
        <div className="page-actions">
          <ImportButton
            onImported={(r) => {
              setNotice(`Imported “${r.name}”.`);
              list.reload();
            }}
          />
          <Link to="/new" className="btn btn-primary">
            New session
          </Link>
        </div>
      </div>
      <div className="toolbar">
        <label className="field-inline">
          <span className="visually-hidden">Search sessions</span>
          <input type="search" className="input" placeholder="Search name, target, id…" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Search sessions" />
        </label>
        <label className="field-inline">
          <span className="field-label-inline">Status</span>
          <select className="input" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">All</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <span className="toolbar-spacer" />
        <span className="muted" aria-live="polite">
          {selected.size > 0 ? `${selected.size} selected` : `${rows.length} of ${sessions.length}`}
        </span>
        <button type="button" className="btn" disabled={chosen.length !== 2} onClick={compare} title="Select exactly two sessions to compare">
          Compare selected
        </button>
        <button type="button" className="btn btn-danger-outline" disabled={chosen.length === 0} onClick={() => setConfirming(true)}>
          Delete…
        </button>
      </div>
      <p className="notice" role="status" aria-live="polite">
        {notice}
      </p>
      {list.error && <InlineError message={list.error} onRetry={list.reload} />}
      {list.loading && !list.data ? (
        <Loading what="sessions" />
      ) : sessions.length === 0 && !list.error ? (
        <EmptyState title="No sessions yet">
          Record one from <Link to="/new">New session</Link>, or import a report JSON with <em>Import…</em>
        </EmptyState>
      ) : (
        <DataTable
          columns={SESSION_COLUMNS}
          rows={rows}
          rowKey={(s) => s.id}
          label="Sessions"
          maxHeightPx={640}
          selection={{ selected, onToggle: toggle, rowLabel: (s) => s.name }}
          onActivate={(s) => navigate(sessionPath(s.id))}
          initialSort={{ key: 'date', dir: 'desc' }}
          empty={<EmptyState title="No session matches the filter" />}
          testId="sessions-table"
        />
      )}
      <ConfirmDialog open={confirming} title={`Delete ${chosen.length} session${chosen.length === 1 ? '' : 's'}?`} confirmLabel="Delete" danger onConfirm={() => void remove()} onCancel={() => setConfirming(false)}>
        <p>This removes the recorded data for good:</p>
        <ul className="compact-list">
          {chosen.slice(0, 8).map((s) => (
            <li key={s.id}>{s.name}</li>
          ))}
          {chosen.length > 8 && <li>and {chosen.length - 8} more</li>}
        </ul>
      </ConfirmDialog>
    </div>
  );
}
