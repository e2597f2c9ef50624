import type { ReactNode } from 'react';
import { useConnectionState } from '../api/api-context.js';

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <p className="empty-title">{title}</p>
      {children && <div className="empty-body">{children}</div>}
    </div>
  );
}

/** A failed load, in place of the content it would have shown. */
export function InlineError({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <div className="banner banner-error" role="alert">
      <span className="banner-text">{message}</span>
      {onRetry && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  // While the backend is away the call is queued, not slow: say so instead of spinning on "Loading".
  const connection = useConnectionState();
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {connection === 'open' ? `Loading ${what}…` : `Waiting for the backend to load ${what}…`}
    </div>
  );
}
