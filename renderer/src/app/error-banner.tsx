import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';
import { errorText } from '../api/errors.js';

/** App-wide one-line error banners for failed actions (page-level load errors render in place). */

interface Banner {
  id: number;
  message: string;
}

const ReportContext = createContext<(err: unknown, context?: string) => void>(() => undefined);

/** Keep the last few: a burst of failures should not push the page off screen. */
const MAX_BANNERS = 3;

export function ErrorBannerProvider({ children }: { children: ReactNode }) {
  const [banners, setBanners] = useState<Banner[]>([]);
  const report = useCallback((err: unknown, context?: string) => {
    const message = context ? `${context}: ${errorText(err)}` : errorText(err);
    setBanners((b) => [...b.filter((x) => x.message !== message), { id: Date.now() + Math.random(), message }].slice(-MAX_BANNERS));
  }, []);
  const dismiss = (id: number) => setBanners((b) => b.filter((x) => x.id !== id));
  return (
    <ReportContext.Provider value={report}>
      <div className="banners" role="alert" aria-live="assertive">
        {banners.map((b) => (
          <div className="banner banner-error" key={b.id}>
            <span className="banner-text">{b.message}</span>
            <button type="button" className="btn btn-ghost btn-small" onClick={() => dismiss(b.id)} aria-label="Dismiss error">
              ×
            </button>
          </div>
        ))}
      </div>
      {children}
    </ReportContext.Provider>
  );
}

export function useReportError(): (err: unknown, context?: string) => void {
  return useContext(ReportContext);
}
