/**
 * Hash routing: works the same from the backend's static server and from Electron's file://
 * page, with no server-side fallback. Paths: /sessions, /new, /recording/:id,
 * /session/:id[/:tab], /compare?baseline=&candidate=.
 */

export type Route =
  | { page: 'sessions' }
  | { page: 'new' }
  | { page: 'recording'; id: string }
  | { page: 'session'; id: string; tab: string }
  | { page: 'compare'; baseline: string | null; candidate: string | null };

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/sessions';
  const [pathPart = '', query = ''] = raw.split('?');
  const parts = pathPart.split('/').filter(Boolean).map((p) => decodeURIComponent(p));
  const q = new URLSearchParams(query);
  switch (parts[0]) {
    case 'new':
      return { page: 'new' };
    case 'recording':
      return parts[1] ? { page: 'recording', id: parts[1] } : { page: 'new' };
    case 'session':
      return parts[1] ? { page: 'session', id: parts[1], tab: parts[2] ?? 'overview' } : { page: 'sessions' };
    case 'compare':
      return { page: 'compare', baseline: q.get('baseline'), candidate: q.get('candidate') };
    default:
      return { page: 'sessions' };
  }
}

export function sessionPath(id: string, tab?: string): string {
  return `/session/${encodeURIComponent(id)}${tab ? `/${tab}` : ''}`;
}

export function comparePath(baseline?: string | null, candidate?: string | null): string {
  const q = new URLSearchParams();
  if (baseline) q.set('baseline', baseline);
  if (candidate) q.set('candidate', candidate);
  const s = q.toString();
  return s ? `/compare?${s}` : '/compare';
}
