import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { navigationDecision, permissionAllowed, windowOpenDecision, withContentSecurityPolicy } from './web-policy.js';

/**
 * The window's options and the hardening of its web contents and session. Electron types only:
 * the options are plain data (unit-tested), the wiring takes the objects main.ts hands it.
 * Numbers refer to https://www.electronjs.org/docs/latest/tutorial/security.
 */

/** The page's own background (renderer/src/styles/app.css --bg), so no white flash before it paints. */
export const BACKGROUND_COLOR = { light: '#f6f7f9', dark: '#0f1115' } as const;

/** Fits the session tables and two charts side by side on a 1366x768 laptop screen and up. */
export const WINDOW_SIZE = { width: 1360, height: 860, minWidth: 960, minHeight: 600 } as const;

export interface WindowInput {
  preloadPath: string;
  dark: boolean;
  isDev: boolean;
  /** Linux/Windows window icon (macOS takes the bundle's). */
  iconPath?: string;
}

export function windowOptions(input: WindowInput): BrowserWindowConstructorOptions {
  return {
    ...WINDOW_SIZE,
    title: 'SARK Workbench',
    // Shown on 'ready-to-show': no half-painted page.
    show: false,
    backgroundColor: input.dark ? BACKGROUND_COLOR.dark : BACKGROUND_COLOR.light,
    ...(input.iconPath !== undefined ? { icon: input.iconPath } : {}),
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true, // #3: the page cannot reach the preload's or Electron's objects
      sandbox: true, // #4: the renderer is an OS-sandboxed Chromium process
      nodeIntegration: false, // #2: no require() in the page
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true, // #6: same-origin policy stays on
      allowRunningInsecureContent: false, // #8
      experimentalFeatures: false, // #9
      webviewTag: false, // #12: no <webview>, nothing to verify
      navigateOnDragDrop: false, // a dropped file must not replace the workbench page
      safeDialogs: true, // a looping alert() can be stopped
      spellcheck: false,
      devTools: input.isDev,
    },
  };
}

export interface HardeningOptions {
  /** The workbench page's origin (the backend's), or null while there is none. */
  pageOrigin: () => string | null;
  /** safeOpenExternal, injected: http(s) links leave for the user's browser. */
  openExternal: (url: string) => void;
}

/**
 * #13 and #14 for every web contents the app ever creates (main.ts calls this from
 * app 'web-contents-created', so nothing escapes it): navigation away from the page and new
 * windows are denied; http(s) links go to the browser instead; no <webview> can be attached.
 */
export function hardenWebContents(contents: WebContents, opts: HardeningOptions): void {
  const guard = (event: { preventDefault(): void }, url: string, openOutside: boolean) => {
    const origin = opts.pageOrigin();
    const decision = origin === null ? { allow: false as const, openExternally: null } : navigationDecision(url, origin);
    if (decision.allow) return;
    event.preventDefault();
    if (openOutside && decision.openExternally !== null) opts.openExternal(decision.openExternally);
  };
  // A link the user followed in the page: refused, and an http(s) one opens in the browser.
  contents.on('will-navigate', (event) => guard(event, event.url, true));
  // Frames and redirects are never the user's choice: refused, nothing opened. (The main frame
  // also fires will-frame-navigate; will-navigate above already handled it.)
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) guard(event, event.url, false);
  });
  contents.on('will-redirect', (event) => guard(event, event.url, false));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url);
    if (decision.openExternally !== null) opts.openExternal(decision.openExternally);
    return { action: decision.action };
  });
}

/**
 * #5 permissions denied (but the page's clipboard writes) and #7 the CSP as a second layer, on
 * the session the window uses.
 */
export function hardenSession(session: Session, pageOrigin: () => string | null, policy: () => string | null): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(permissionAllowed(permission, details.requestingUrl, pageOrigin()));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => permissionAllowed(permission, requestingOrigin, pageOrigin()));
  session.setDevicePermissionHandler(() => false);
  // http(s) only: the page and anything it could fetch; DevTools' own devtools:// pages are left alone.
  session.webRequest.onHeadersReceived({ urls: ['http://*/*', 'https://*/*'] }, (details, callback) => {
    const csp = policy();
    callback(csp === null ? {} : { responseHeaders: withContentSecurityPolicy(details.responseHeaders, csp) });
  });
}
