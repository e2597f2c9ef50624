import { externalUrl } from './safe-open-external.js';

/**
 * What the window may do, as pure decisions (window.ts wires them to Electron's events).
 * Numbers refer to Electron's security checklist:
 * https://www.electronjs.org/docs/latest/tutorial/security
 */

function originOf(url: string): string | null {
  try {
    const o = new URL(url).origin;
    return o === 'null' ? null : o;
  } catch {
    return null;
  }
}

export type NavigationDecision = { allow: true } | { allow: false; openExternally: string | null };

/**
 * #13 "Disable or limit navigation": the window only ever shows the workbench page. Anything
 * else is refused; an http(s) link the user followed goes to their browser instead.
 */
export function navigationDecision(targetUrl: string, pageOrigin: string): NavigationDecision {
  if (originOf(targetUrl) === pageOrigin) return { allow: true };
  return { allow: false, openExternally: externalUrl(targetUrl) };
}

/**
 * #14 "Disable or limit creation of new windows": every window.open / target=_blank is denied;
 * http(s) links open in the browser (never an Electron window with our session).
 */
export function windowOpenDecision(url: string): { action: 'deny'; openExternally: string | null } {
  return { action: 'deny', openExternally: externalUrl(url) };
}

/**
 * #5 "Handle session permission requests": deny everything (camera, notifications, geolocation,
 * ...) except clipboard writes from the workbench page itself — its copy buttons
 * (renderer/src/components/CopyButton.tsx) use navigator.clipboard.writeText.
 */
const PAGE_PERMISSIONS = new Set(['clipboard-sanitized-write']);

export function permissionAllowed(permission: string, requestingUrl: string | undefined, pageOrigin: string | null): boolean {
  if (pageOrigin === null || requestingUrl === undefined) return false;
  return PAGE_PERMISSIONS.has(permission) && originOf(requestingUrl) === pageOrigin;
}

/**
 * #17 "Validate the sender of all IPC messages": only the top frame of the workbench page may
 * ask for the token or open dialogs — not an iframe, not a page the window was somehow sent to.
 */
export function isTrustedSender(frame: { url: string; isTopFrame: boolean } | null, pageOrigin: string | null): boolean {
  return frame !== null && frame.isTopFrame && pageOrigin !== null && originOf(frame.url) === pageOrigin;
}

/**
 * #7 "Define a Content Security Policy", as a second layer: the backend already sends the same
 * policy (core/api/static-files.ts); adding ours beside whatever the response carried means the
 * browser enforces both, so a response without one — or with a weaker one — is still covered.
 * Header names are matched case-insensitively (HTTP headers are).
 */
export function withContentSecurityPolicy(headers: Record<string, string[]> | undefined, policy: string): Record<string, string[]> {
  const out: Record<string, string[]> = { ...(headers ?? {}) };
  const key = Object.keys(out).find((k) => k.toLowerCase() === 'content-security-policy') ?? 'Content-Security-Policy';
  const existing = out[key] ?? [];
  out[key] = existing.includes(policy) ? existing : [...existing, policy];
  return out;
}
