import type { SessionReport } from '../../../../core/api/types.js';
import { CheckBadge } from '../../components/Badge.js';
import { EmptyState } from '../../components/EmptyState.js';
import { fmtValue } from '../../components/format.js';

/** The critical-metrics table: metric, target, actual, pass / warn / fail. */
export function ChecksTable({ checks }: { checks: SessionReport['summary']['checks'] }) {
  if (checks.length === 0) return <EmptyState title="No critical-metric checks in this report" />;
  return (
    <table className="table table-static" aria-label="Critical metrics" data-testid="checks-table">
      <thead>
        <tr>
          <th scope="col">Metric</th>
          <th scope="col">Target</th>
          <th scope="col" className="align-right">
            Actual
          </th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {checks.map((c) => (
          <tr key={c.id} className={`check-row check-row-${c.status.replace('/', '')}`}>
            <th scope="row">{c.name}</th>
            <td className="muted">{c.target}</td>
            <td className="align-right num">{fmtValue(c.actual, c.unit)}</td>
            <td>
              <CheckBadge status={c.status} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
