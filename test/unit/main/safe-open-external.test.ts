import { describe, expect, it } from 'vitest';
import { externalUrl, safeOpenExternal } from '../../../main/safe-open-external.js';

/** What the OS would be asked to open, recorded instead of opened. */
function recorder() {
  const opened: string[] = [];
  return { opened, opener: async (url: string) => void opened.push(url) };
}

describe('safeOpenExternal', () => {
  it('opens ordinary http and https links in the browser', async () => {
    const { opened, opener } = recorder();
    expect(await safeOpenExternal('https://www.electronjs.org/docs/latest/tutorial/security', opener)).toBe(true);
    expect(await safeOpenExternal('http://127.0.0.1:9090/graph?g0.expr=rate(x[5m])', opener)).toBe(true);
    expect(opened).toEqual(['https://www.electronjs.org/docs/latest/tutorial/security', 'http://127.0.0.1:9090/graph?g0.expr=rate(x[5m])']);
  });

  it('hands the OS the normalized URL, not the raw string', async () => {
    const { opened, opener } = recorder();
    await safeOpenExternal('HTTPS://Example.COM/a/../b', opener);
    expect(opened).toEqual(['https://example.com/b']);
  });

  // Exploit regression list: each of these has been used against Electron apps' openExternal.
  const refused: Array<[string, unknown]> = [
    ['local file', 'file:///etc/passwd'],
    ['local file, Windows', 'file://C:/Windows/System32/calc.exe'],
    ['javascript', 'javascript:alert(1)'],
    ['javascript, mixed case', 'JaVaScRiPt:alert(document.domain)'],
    ['javascript hidden behind a tab', 'java\tscript:alert(1)'],
    ['data URL', 'data:text/html,<script>alert(1)</script>'],
    ['SMB share (leaks NTLM hashes on Windows)', 'smb://attacker.example/share'],
    ['UNC-like file URL', 'file://attacker.example/share/x.exe'],
    ['custom scheme launching an app', 'ms-msdt:/id PCWDiagnostic /skip force'],
    ['another custom scheme', 'vscode://file/etc/passwd'],
    ['mailto is not a web link', 'mailto:someone@example.com'],
    ['ftp', 'ftp://example.com/file'],
    ['credentials in the URL', 'http://user:pass@example.com/'],
    ['user name only', 'https://admin@example.com/'],
    ['leading whitespace', ' https://example.com/'],
    ['trailing newline', 'https://example.com/\n'],
    ['padded javascript', '  javascript:alert(1)  '],
    ['control character', 'https://exa\u0000mple.com/'],
    ['scheme-relative', '//example.com/'],
    ['backslashes the parser would repair', 'https:\\\\example.com\\'],
    ['extra slashes', 'https:///example.com/'],
    ['relative path', '/etc/passwd'],
    ['not a URL', 'not a url'],
    ['empty', ''],
    ['too long', `https://example.com/${'a'.repeat(5000)}`],
    ['not a string', { toString: () => 'https://example.com/' }],
    ['null', null],
  ];

  it.each(refused)('refuses %s and opens nothing', async (_why, raw) => {
    const { opened, opener } = recorder();
    expect(externalUrl(raw)).toBeNull();
    expect(await safeOpenExternal(raw, opener)).toBe(false);
    expect(opened).toEqual([]);
  });
});
