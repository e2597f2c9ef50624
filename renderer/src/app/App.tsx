import type { MouseEvent } from 'react';
import { useConnectionState } from '../api/api-context.js';
import { ComparePage } from '../pages/compare/ComparePage.js';
import { NewSessionPage } from '../pages/new-session/NewSessionPage.js';
import { RecordingPage } from '../pages/recording/RecordingPage.js';
import { SessionPage } from '../pages/session/SessionPage.js';
import { SessionsPage } from '../pages/sessions/SessionsPage.js';
import { DesktopMenuListener } from './desktop-menu.js';
import { ErrorBannerProvider } from './error-banner.js';
import { RecordingIndicator } from './RecordingIndicator.js';
import { Link, useRoute, type Route } from './router.js';
import { useTheme } from './theme.js';

const NAV: Array<{ page: Route['page']; to: string; label: string }> = [
  { page: 'sessions', to: '/sessions', label: 'Sessions' },
  { page: 'new', to: '/new', label: 'New session' },
  { page: 'compare', to: '/compare', label: 'Compare' },
];

function ConnectionIndicator() {
  const state = useConnectionState();
  const text = state === 'open' ? 'Connected' : state === 'connecting' ? 'Connecting…' : 'Disconnected — retrying';
  return (
    <span className={`conn conn-${state}`} role="status" aria-live="polite" data-testid="connection">
      <span className="conn-dot" aria-hidden="true" />
      {text}
    </span>
  );
}

function ThemeToggle() {
  const { theme, toggle } = useTheme();
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <button type="button" className="btn btn-ghost" onClick={toggle} aria-label={`Switch to ${next} theme`} title={`Switch to ${next} theme`}>
      {theme === 'dark' ? '☀ Light' : '☾ Dark'}
    </button>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'sessions':
      return <SessionsPage />;
    case 'new':
      return <NewSessionPage />;
    case 'recording':
      return <RecordingPage key={route.id} sessionId={route.id} />;
    case 'session':
      return <SessionPage key={route.id} id={route.id} tab={route.tab} />;
    case 'compare':
      return <ComparePage baseline={route.baseline} candidate={route.candidate} />;
  }
}

/** Hash routing owns the URL fragment, so the skip link moves focus itself instead of navigating. */
function skipToMain(e: MouseEvent<HTMLAnchorElement>) {
  e.preventDefault();
  document.getElementById('main')?.focus();
}

export function App({ hasToken }: { hasToken: boolean }) {
  const route = useRoute();
  // The recording page belongs to "New session"; a session page to "Sessions".
  const active = route.page === 'recording' ? 'new' : route.page === 'session' ? 'sessions' : route.page;
  return (
    <div className="app">
      <a href="#main" className="skip-link" onClick={skipToMain}>
        Skip to content
      </a>
      <header className="app-header">
        <span className="brand">
          <span className="brand-mark" aria-hidden="true">◆</span> SARK Workbench
        </span>
        <span className="header-spacer" />
        <RecordingIndicator />
        <ConnectionIndicator />
        <ThemeToggle />
      </header>
      <nav className="app-nav" aria-label="Main">
        <ul>
          {NAV.map((n) => (
            <li key={n.page}>
              <Link to={n.to} className={`nav-link${active === n.page ? ' active' : ''}`} aria-current={active === n.page ? 'page' : undefined}>
                {n.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main className="app-main" id="main" tabIndex={-1}>
        {!hasToken && (
          <div className="banner banner-error page-banner" role="alert">
            <span className="banner-text">No access token: open the full URL that `sark-workbench ui` printed (it ends with ?token=…).</span>
          </div>
        )}
        <ErrorBannerProvider>
          <DesktopMenuListener />
          <Page route={route} />
        </ErrorBannerProvider>
      </main>
    </div>
  );
}
