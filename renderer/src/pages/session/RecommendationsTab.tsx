import type { SessionReport } from '../../../../core/api/types.js';
import { EffortBadge, ImpactBadge } from '../../components/Badge.js';
import { CopyButton } from '../../components/CopyButton.js';
import { EmptyState } from '../../components/EmptyState.js';
import { RichText } from '../../components/RichText.js';

export function RecommendationsTab({ report: r }: { report: SessionReport }) {
  if (r.recommendations.length === 0) return <EmptyState title="No recommendations">Nothing in this session crossed a threshold that calls for a change.</EmptyState>;
  return (
    <ol className="rec-list" data-testid="recommendations">
      {r.recommendations.map((rec, i) => (
        <li key={rec.id} className={`rec-card rec-${rec.impact}`}>
          <div className="rec-head">
            <span className="rec-rank" aria-label={`Rank ${i + 1}`}>
              {i + 1}
            </span>
            <h3 className="rec-title">{rec.title}</h3>
            <ImpactBadge impact={rec.impact} />
            <EffortBadge effort={rec.effort} />
          </div>
          {rec.evidence.length > 0 && (
            <div className="rec-evidence">
              <div className="rec-label">Evidence</div>
              <ul>
                {rec.evidence.map((e) => (
                  <li key={e}>
                    <RichText text={e} />
                  </li>
                ))}
              </ul>
            </div>
          )}
          <div className="rec-action">
            <div className="rec-action-head">
              <span className="rec-label">Action</span>
              <CopyButton text={rec.action} />
            </div>
            <pre className="code-block">{rec.action}</pre>
          </div>
        </li>
      ))}
    </ol>
  );
}
