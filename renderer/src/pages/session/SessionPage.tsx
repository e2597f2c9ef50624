import { useMemo } from 'react';
import type { SessionReport } from '../../../../core/api/types.js';
import { useApiEvent } from '../../api/api-context.js';
import { useCall } from '../../api/use-call.js';
import { comparePath, Link, navigate, sessionPath } from '../../app/router.js';
import { StatusBadge } from '../../components/Badge.js';
import { InlineError, Loading } from '../../components/EmptyState.js';
import { fmtDate, fmtDuration } from '../../components/format.js';
import { TabPanel, Tabs, type TabDef } from '../../components/Tabs.js';
import { CacheTab } from './CacheTab.js';
import { ExportButtons } from './ExportButtons.js';
import { FunctionsTab } from './FunctionsTab.js';
import { OverviewTab } from './OverviewTab.js';
import { PoolTab } from './PoolTab.js';
import { QueriesTab } from './QueriesTab.js';
import { RecommendationsTab } from './RecommendationsTab.js';
import { ReplayTab } from './ReplayTab.js';

const TAB_IDS = ['overview', 'queries', 'pool', 'cache', 'functions', 'recommendations', 'replay'] as const;

function tabDefs(r: SessionReport): TabDef[] {
  const n1 = r.n_plus_one.length;
  return [
    { id: 'overview', label: 'Overview' },
    {
      id: 'queries',
      label: (
        <>
          Queries{' '}
          {n1 > 0 && (
            <span className="tab-alert" title={`${n1} N+1 pattern${n1 === 1 ? '' : 's'}`}>
              N+1 · {n1}
            </span>
          )}
        </>
      ),
    },
    { id: 'pool', label: 'Pool' },
    { id: 'cache', label: 'Cache' },
    { id: 'functions', label: 'Functions' },
    { id: 'recommendations', label: <>Recommendations {r.recommendations.length > 0 && <span className="tab-count">{r.recommendations.length}</span>}</> },
    { id: 'replay', label: 'Replay' },
  ];
}

function targetLine(r: SessionReport): string {
  const t = r.session.target;
  const url = typeof t.targetUrl === 'string' ? t.targetUrl : typeof t.target_url === 'string' ? t.target_url : typeof t.url === 'string' ? t.url : null;
  if (r.session.target_kind === 'embedded') return `embedded${r.session.profile ? ` (${r.session.profile})` : ''}`;
  return url ?? r.session.target_kind;
}

export function SessionPage({ id, tab }: { id: string; tab: string }) {
  const call = useCall('sessions/get', { id }, id);
  useApiEvent('sessions/changed', (e) => {
    if (e.reason === 'updated') call.reload();
  });
  const r = call.data;
  const tabs = useMemo(() => (r ? tabDefs(r) : []), [r]);
  const active = (TAB_IDS as readonly string[]).includes(tab) ? tab : 'overview';
  const select = (t: string) => navigate(sessionPath(id, t), { replace: true });

  if (call.error) {
    return (
      <div className="page">
        <InlineError message={call.error} onRetry={call.reload} />
        <Link to="/sessions">Back to sessions</Link>
      </div>
    );
  }
  if (!r) return <Loading what="session" />;
  const s = r.session;
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <div className="breadcrumb">
            <Link to="/sessions">Sessions</Link> /
          </div>
          <h1 className="page-title">
            {s.name} <StatusBadge status={s.status} />
          </h1>
          <div className="meta">
            <span>{targetLine(r)}</span>
            <span>{fmtDate(s.started_at)}</span>
            <span>{fmtDuration(s.duration_s)}</span>
            <span className="mono muted">{s.id}</span>
            {s.parent_id && (
              <span>
                replay of <Link to={sessionPath(s.parent_id)}>{s.parent_id}</Link>
              </span>
            )}
          </div>
        </div>
        <div className="page-actions">
          <Link to={comparePath(null, s.id)} className="btn">
            Compare…
          </Link>
          <ExportButtons id={s.id} />
        </div>
      </div>
      <Tabs tabs={tabs} active={active} onSelect={select} label="Session sections" idPrefix="session" />
      <TabPanel idPrefix="session" active={active}>
        {active === 'overview' && <OverviewTab report={r} />}
        {active === 'queries' && <QueriesTab report={r} />}
        {active === 'pool' && <PoolTab report={r} />}
        {active === 'cache' && <CacheTab report={r} />}
        {active === 'functions' && <FunctionsTab report={r} />}
        {active === 'recommendations' && <RecommendationsTab report={r} />}
        {active === 'replay' && <ReplayTab report={r} />}
      </TabPanel>
    </div>
  );
}
