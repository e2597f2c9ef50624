import type { SessionListItem } from '../../../../core/api/types.js';
import { Link, sessionPath } from '../../app/router.js';
import { Badge, StatusBadge } from '../../components/Badge.js';
import type { Column } from '../../components/DataTable.js';
import { fmtDate, fmtDuration, fmtMs, fmtPct, fmtRate } from '../../components/format.js';

export const SESSION_COLUMNS: Array<Column<SessionListItem>> = [
  {
    key: 'name',
    header: 'Name',
    // A session still recording opens its live view; the others their report.
    render: (s) => (
      <>
        <Link to={s.status === 'recording' ? `/recording/${encodeURIComponent(s.id)}` : sessionPath(s.id)} className="cell-link">
          {s.name}
        </Link>
        {s.source !== 'recorded' && (
          <>
            {' '}
            <Badge tone="neutral">{s.source}</Badge>
          </>
        )}
      </>
    ),
    title: (s) => `${s.name} (${s.id})`,
    sortValue: (s) => s.name.toLowerCase(),
  },
  { key: 'target', header: 'Target', render: (s) => s.target, title: (s) => s.target, sortValue: (s) => s.target, width: '17%' },
  { key: 'profile', header: 'Profile', render: (s) => s.profile ?? '—', sortValue: (s) => s.profile, width: '88px' },
  { key: 'date', header: 'Date', render: (s) => fmtDate(s.started_at), sortValue: (s) => s.started_at, width: '146px' },
  { key: 'duration', header: 'Duration', render: (s) => fmtDuration(s.duration_s), sortValue: (s) => s.duration_s, align: 'right', width: '90px' },
  { key: 'rps', header: 'Throughput', render: (s) => fmtRate(s.throughput_rps), sortValue: (s) => s.throughput_rps, align: 'right', width: '100px' },
  { key: 'p95', header: 'p95', render: (s) => fmtMs(s.p95_ms), sortValue: (s) => s.p95_ms, align: 'right', width: '84px' },
  { key: 'hit', header: 'Hit rate', render: (s) => fmtPct(s.hit_rate), sortValue: (s) => s.hit_rate, align: 'right', width: '76px' },
  { key: 'status', header: 'Status', render: (s) => <StatusBadge status={s.status} />, sortValue: (s) => s.status, width: '120px' },
];
