import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import type { Session, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../../core/api/static-files.js';
import { BACKGROUND_COLOR, hardenSession, hardenWebContents, windowOptions } from '../../../main/window.js';

const PAGE = 'http://127.0.0.1:43117';

describe('window options', () => {
  const prod = windowOptions({ preloadPath: '/app/dist/main/preload.cjs', dark: false, isDev: false });
  const web = prod.webPreferences ?? {};

  it('isolates the page from Node and Electron (security checklist #2-#4, #6, #8, #9, #12)', () => {
    expect(web).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
    });
    expect(web.preload).toBe('/app/dist/main/preload.cjs');
    expect(web.enableBlinkFeatures).toBeUndefined();
  });

  it('has developer tools only in development', () => {
    expect(web.devTools).toBe(false);
    expect(windowOptions({ preloadPath: 'p', dark: false, isDev: true }).webPreferences?.devTools).toBe(true);
  });

  it('opens at a usable size and is shown only once painted', () => {
    expect(prod.width).toBeGreaterThanOrEqual(1200);
    expect(prod.minWidth).toBeLessThanOrEqual(prod.width ?? 0);
    expect(prod.show).toBe(false);
  });

  it("paints the page's own background in both themes, so there is no flash before it loads", () => {
    // The two --bg values of renderer/src/styles/app.css (light first, then [data-theme=dark]).
    const css = readFileSync(new URL('../../../renderer/src/styles/app.css', import.meta.url), 'utf8');
    const bgs = [...css.matchAll(/--bg:\s*(#[0-9a-fA-F]{6})/g)].map((m) => m[1]?.toLowerCase());
    expect(bgs).toEqual([BACKGROUND_COLOR.light, BACKGROUND_COLOR.dark]);
    expect(prod.backgroundColor).toBe(BACKGROUND_COLOR.light);
    expect(windowOptions({ preloadPath: 'p', dark: true, isDev: false }).backgroundColor).toBe(BACKGROUND_COLOR.dark);
  });
});

/** Just enough of WebContents to drive the listeners hardenWebContents installs. */
class FakeContents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: string }) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.openHandler = handler;
  }
  /** Emits a navigation event; true when the navigation was prevented. */
  attempt(event: string, url: string, isMainFrame = true): boolean {
    let prevented = false;
    this.emit(event, { url, isMainFrame, preventDefault: () => (prevented = true) });
    return prevented;
  }

  /** What Chromium emits for a main-frame navigation the page starts: both events. */
  follow(url: string): boolean {
    const prevented = this.attempt('will-navigate', url);
    return this.attempt('will-frame-navigate', url) || prevented;
  }
}

function hardened(origin: string | null = PAGE) {
  const contents = new FakeContents();
  const opened: string[] = [];
  hardenWebContents(contents as unknown as WebContents, { pageOrigin: () => origin, openExternal: (u) => void opened.push(u) });
  return { contents, opened };
}

describe('web contents hardening (#13, #14)', () => {
  it('lets the page move within itself', () => {
    const { contents, opened } = hardened();
    expect(contents.follow(`${PAGE}/`)).toBe(false);
    expect(contents.attempt('will-frame-navigate', `${PAGE}/#/compare`, false)).toBe(false);
    expect(opened).toEqual([]);
  });

  it('stops navigation elsewhere; a followed web link opens in the browser, once', () => {
    const { contents, opened } = hardened();
    expect(contents.follow('https://github.com/')).toBe(true);
    expect(contents.follow('javascript:alert(1)')).toBe(true);
    expect(contents.follow('file:///etc/passwd')).toBe(true);
    expect(opened).toEqual(['https://github.com/']);
  });

  it('stops frames and redirects going elsewhere without opening anything', () => {
    const { contents, opened } = hardened();
    expect(contents.attempt('will-frame-navigate', 'https://evil.example/', false)).toBe(true);
    expect(contents.attempt('will-redirect', 'https://evil.example/')).toBe(true);
    expect(contents.attempt('will-redirect', `${PAGE}/`)).toBe(false);
    expect(opened).toEqual([]);
  });

  it('stops every navigation while there is no page origin yet', () => {
    const { contents } = hardened(null);
    expect(contents.follow(`${PAGE}/`)).toBe(true);
  });

  it('denies new windows and webviews', () => {
    const { contents, opened } = hardened();
    expect(contents.openHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(contents.openHandler?.({ url: 'smb://host/share' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://example.com/']);
    expect(contents.attempt('will-attach-webview', 'https://example.com/')).toBe(true);
  });
});

type PermissionRequest = (contents: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string }) => void;
type HeadersListener = (details: { responseHeaders?: Record<string, string[]> }, callback: (r: { responseHeaders?: Record<string, string[]> }) => void) => void;

function fakeSession() {
  const s = {
    request: null as PermissionRequest | null,
    check: null as ((contents: unknown, permission: string, origin: string) => boolean) | null,
    device: null as (() => boolean) | null,
    headers: null as HeadersListener | null,
    setPermissionRequestHandler(h: PermissionRequest) {
      s.request = h;
    },
    setPermissionCheckHandler(h: (contents: unknown, permission: string, origin: string) => boolean) {
      s.check = h;
    },
    setDevicePermissionHandler(h: () => boolean) {
      s.device = h;
    },
    headerUrls: [] as string[],
    webRequest: {
      onHeadersReceived(filter: { urls: string[] }, l: HeadersListener) {
        s.headerUrls = filter.urls;
        s.headers = l;
      },
    },
  };
  return s;
}

describe('session hardening (#5, #7)', () => {
  const s = fakeSession();
  hardenSession(s as unknown as Session, () => PAGE, () => contentSecurityPolicy(43117));
  const ask = (permission: string, url: string) => {
    let granted: boolean | undefined;
    s.request?.(null, permission, (g) => (granted = g), { requestingUrl: url });
    return granted;
  };

  it('answers every permission request, denying all but clipboard writes from the page', () => {
    expect(ask('media', `${PAGE}/`)).toBe(false);
    expect(ask('notifications', `${PAGE}/`)).toBe(false);
    expect(ask('clipboard-sanitized-write', `${PAGE}/`)).toBe(true);
    expect(ask('clipboard-sanitized-write', 'https://example.com/')).toBe(false);
    expect(s.check?.(null, 'geolocation', PAGE)).toBe(false);
    expect(s.device?.()).toBe(false);
  });

  it("puts the backend's CSP on every http(s) response", () => {
    let out: Record<string, string[]> | undefined;
    s.headers?.({ responseHeaders: { 'Content-Type': ['text/html'] } }, (r) => (out = r.responseHeaders));
    expect(out?.['Content-Security-Policy']).toEqual([contentSecurityPolicy(43117)]);
    expect(s.headerUrls).toEqual(['http://*/*', 'https://*/*']);
  });
});
