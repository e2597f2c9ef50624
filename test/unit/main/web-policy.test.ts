import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../../core/api/static-files.js';
import { isTrustedSender, navigationDecision, permissionAllowed, windowOpenDecision, withContentSecurityPolicy } from '../../../main/web-policy.js';

const PAGE = 'http://127.0.0.1:43117';

describe('navigation', () => {
  it('stays within the workbench page', () => {
    expect(navigationDecision(`${PAGE}/`, PAGE)).toEqual({ allow: true });
    expect(navigationDecision(`${PAGE}/index.html#/session/abc/queries`, PAGE)).toEqual({ allow: true });
  });

  it('refuses other origins, sending web links to the browser', () => {
    expect(navigationDecision('https://example.com/docs', PAGE)).toEqual({ allow: false, openExternally: 'https://example.com/docs' });
    // Same host, another port: another origin (another local service could be anything).
    expect(navigationDecision('http://127.0.0.1:5432/', PAGE)).toEqual({ allow: false, openExternally: 'http://127.0.0.1:5432/' });
    expect(navigationDecision('http://localhost:43117/', PAGE).allow).toBe(false);
  });

  it('refuses dangerous targets without opening them anywhere', () => {
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'about:blank', 'data:text/html,x']) {
      expect(navigationDecision(url, PAGE)).toEqual({ allow: false, openExternally: null });
    }
  });

  it('never opens a new window; web links go to the browser', () => {
    expect(windowOpenDecision('https://example.com/')).toEqual({ action: 'deny', openExternally: 'https://example.com/' });
    expect(windowOpenDecision(`${PAGE}/#/sessions`)).toEqual({ action: 'deny', openExternally: `${PAGE}/#/sessions` });
    expect(windowOpenDecision('file:///etc/passwd')).toEqual({ action: 'deny', openExternally: null });
  });
});

describe('permissions', () => {
  it('lets the page copy to the clipboard and nothing else', () => {
    expect(permissionAllowed('clipboard-sanitized-write', `${PAGE}/`, PAGE)).toBe(true);
    expect(permissionAllowed('clipboard-sanitized-write', PAGE, PAGE)).toBe(true);
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'hid', 'unknown']) {
      expect(permissionAllowed(p, `${PAGE}/`, PAGE)).toBe(false);
    }
  });

  it('refuses even the clipboard to any other origin or before the page exists', () => {
    expect(permissionAllowed('clipboard-sanitized-write', 'https://example.com/', PAGE)).toBe(false);
    expect(permissionAllowed('clipboard-sanitized-write', `${PAGE}/`, null)).toBe(false);
    expect(permissionAllowed('clipboard-sanitized-write', undefined, PAGE)).toBe(false);
  });
});

describe('IPC sender check', () => {
  it('trusts only the top frame of the workbench page', () => {
    expect(isTrustedSender({ url: `${PAGE}/#/sessions`, isTopFrame: true }, PAGE)).toBe(true);
    expect(isTrustedSender({ url: `${PAGE}/embedded.html`, isTopFrame: false }, PAGE)).toBe(false);
    expect(isTrustedSender({ url: 'https://example.com/', isTopFrame: true }, PAGE)).toBe(false);
    expect(isTrustedSender({ url: 'file:///tmp/x.html', isTopFrame: true }, PAGE)).toBe(false);
    expect(isTrustedSender(null, PAGE)).toBe(false);
    expect(isTrustedSender({ url: `${PAGE}/`, isTopFrame: true }, null)).toBe(false);
  });
});

describe('content security policy, second layer', () => {
  const policy = contentSecurityPolicy(43117);

  it('is the backend policy: no inline code, no eval, API only on the backend port', () => {
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).not.toContain('unsafe-eval');
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain('ws://127.0.0.1:43117');
  });

  it('adds the policy to a response that had none', () => {
    expect(withContentSecurityPolicy({ 'Content-Type': ['text/html'] }, policy)).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [policy] });
    expect(withContentSecurityPolicy(undefined, policy)).toEqual({ 'Content-Security-Policy': [policy] });
  });

  it("keeps a response's own policy beside ours, so a weaker one cannot loosen it", () => {
    const weak = "default-src * 'unsafe-inline'";
    const out = withContentSecurityPolicy({ 'content-security-policy': [weak] }, policy);
    expect(out).toEqual({ 'content-security-policy': [weak, policy] });
  });

  it('does not repeat the policy the backend already sent', () => {
    expect(withContentSecurityPolicy({ 'Content-Security-Policy': [policy] }, policy)).toEqual({ 'Content-Security-Policy': [policy] });
  });
});
