/**
 * Secrets never land in SQLite, logs or exported reports. Everything that stores or prints a
 * connection string goes through redactUrl().
 */

const SECRET_PARAMS = /^(password|pass|pwd|token|secret|key|apikey|api_key|access_token|auth|sslkey|sslpassword)$/i;

/** Removes the password (and secret query parameters) from a URL; non-URLs are returned with `user:pass@` masked. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    for (const key of [...url.searchParams.keys()]) {
      if (SECRET_PARAMS.test(key)) url.searchParams.set(key, '***');
    }
    return url.toString();
  } catch {
    return value.replace(/\/\/([^:/@\s]+):([^@\s]+)@/g, '//$1:***@');
  }
}

/** Redacts every URL-looking substring of a free text (error messages, logs). */
export function redactText(text: string): string {
  return text.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s'"]+/gi, (m) => redactUrl(m));
}
