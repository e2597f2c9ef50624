/**
 * Where the backend is and which token opens it. In Electron the preload exposes
 * `window.sarkWorkbench`; in web mode the page was opened at `http://127.0.0.1:PORT/?token=T`
 * by `sark-workbench ui`, and the API is on the same origin at `/api`.
 */

export interface DesktopBridge {
  backendUrl: string;
  token: string;
  /** Native open dialog; resolves to null when cancelled. */
  openFile(): Promise<{ name: string; content: string } | null>;
  /** Native save dialog; resolves to false when cancelled. */
  saveFile(name: string, content: string): Promise<boolean>;
}

declare global {
  interface Window {
    sarkWorkbench?: DesktopBridge;
  }
}

export interface BackendLocation {
  wsUrl: string;
  /**
   * WebSocket subprotocols that carry the token (`token.<hex>`), so it never appears in a URL
   * the browser might log (a failed connection's console error prints the URL).
   */
  protocols: string[];
  /** True when a token was found; without one every call would be refused. */
  hasToken: boolean;
}

/** sessionStorage (per tab, cleared with it) keeps the token across reloads once it is off the URL. */
const TOKEN_STORAGE_KEY = 'sark-workbench.token';

export function desktopBridge(): DesktopBridge | null {
  return window.sarkWorkbench ?? null;
}

/** Reads the token from the page URL once, then removes it so it is not in history, bookmarks or logs. */
function takeTokenFromPage(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    try {
      window.sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    } catch {
      // storage disabled: the token lives only in memory for this page
    }
    return fromUrl;
  }
  try {
    return window.sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}

function toWsBase(httpUrl: string): string {
  const u = new URL(httpUrl);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.origin;
}

export function resolveBackend(): BackendLocation {
  const bridge = desktopBridge();
  const token = bridge ? bridge.token : takeTokenFromPage();
  const base = bridge ? toWsBase(bridge.backendUrl) : toWsBase(window.location.href);
  return { wsUrl: `${base}/api`, protocols: ['sark-workbench', `token.${token ?? ''}`], hasToken: Boolean(token) };
}
