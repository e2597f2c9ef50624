/**
 * The one place that may call shell.openExternal (eslint.config.js bans it elsewhere).
 * Electron security checklist #15, "Do not use shell.openExternal with untrusted content"
 * (https://www.electronjs.org/docs/latest/tutorial/security#15-do-not-use-shellopenexternal-with-untrusted-content):
 * openExternal hands the URL to the OS, which runs whatever handles the scheme — `file:` opens
 * local programs, `smb:` and UNC paths make Windows send NTLM credentials to a remote host,
 * custom schemes launch installed apps. So: http and https only, no credentials, absolute URLs.
 */

/** Long enough for any real link; a multi-megabyte "URL" is an attack or a bug. */
const MAX_EXTERNAL_URL_CHARS = 2048;

const ALLOWED_PROTOCOLS = new Set(['http:', 'https:']);

/**
 * The normalized URL when it is safe to hand to the OS, else null. Decides on the string
 * exactly as given: padding, control characters and anything the WHATWG parser would silently
 * repair are refused rather than "fixed", so what is checked is what is opened.
 */
export function externalUrl(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_EXTERNAL_URL_CHARS) return null;
  // Whitespace or control characters anywhere: the URL parser strips or encodes them, and
  // scheme sniffing elsewhere may not — refuse instead of guessing (`java\tscript:`, ` file:`).
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(raw)) return null;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return null;
  }
  if (!ALLOWED_PROTOCOLS.has(u.protocol)) return null;
  // The input itself must read `http(s)://host`: no backslash or extra-slash forms the parser
  // would repair into something else. The returned href is the parser's normalized form.
  if (!/^https?:\/\/[^/\\]/i.test(raw)) return null;
  if (u.username !== '' || u.password !== '') return null;
  if (u.hostname === '') return null;
  return u.href;
}

export type ExternalOpener = (url: string) => Promise<void>;

/** Electron's shell, loaded on first use so this module stays importable without Electron (tests). */
const electronOpener: ExternalOpener = async (url) => {
  const { shell } = await import('electron');
  await shell.openExternal(url);
};

/**
 * Opens an http(s) link in the user's browser. Returns false (and opens nothing) for any URL
 * externalUrl() refuses.
 */
export async function safeOpenExternal(raw: unknown, opener: ExternalOpener = electronOpener): Promise<boolean> {
  const url = externalUrl(raw);
  if (url === null) return false;
  await opener(url);
  return true;
}
