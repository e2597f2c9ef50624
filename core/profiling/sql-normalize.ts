/**
 * Regex-level SQL normalisation, used where the real parser (libpg-query) cannot be:
 * - `shapeKey`: a conservative cache key that replaces literals with `?`, so statements that
 *   differ only in inline literals (`WHERE id = 'tool-1'`, `'tool-2'`, ...: the classic N+1)
 *   share one parse instead of paying ~36-200 µs of libpg-query per distinct text. It returns
 *   null whenever the text has something a regex could mis-tokenise (comments, dollar quotes,
 *   backslash escapes), and then the caller parses the text itself.
 * - `fallbackFingerprint`: a fingerprint for statements libpg-query rejects (other dialects,
 *   syntax errors), so they are still grouped, as the seed's profiler did for everything.
 */

/** Double-quoted identifiers (kept), single-quoted strings and bare numbers (replaced). */
const LITERAL_RE = /"(?:[^"]|"")*"|'(?:[^']|'')*'|(?<![$\w.])\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
/** Anything a regex tokeniser could get wrong. */
const UNSAFE_RE = /--|\/\*|\$\w*\$|\\/;

function replaceLiteral(token: string): string {
  return token.charCodeAt(0) === 34 /* " */ ? token : '?';
}

/** Literal-free key for the fingerprint cache; null when the text is not safe to key by regex. */
export function shapeKey(text: string): string | null {
  if (UNSAFE_RE.test(text)) return null;
  return text.replace(LITERAL_RE, replaceLiteral);
}

const LINE_COMMENT_RE = /--[^\n]*/g;
const BLOCK_COMMENT_RE = /\/\*[\s\S]*?\*\//g;
const WS_RE = /\s+/g;
const IN_LIST_RE = /\bin\s*\(\s*(?:\?|\$\d+)(?:\s*,\s*(?:\?|\$\d+))*\s*\)/gi;

/** Lower-cased, literal-free, whitespace-collapsed text with IN lists collapsed. */
export function fallbackNormalize(text: string): string {
  return text
    .replace(LINE_COMMENT_RE, ' ')
    .replace(BLOCK_COMMENT_RE, ' ')
    .replace(LITERAL_RE, replaceLiteral)
    .replace(IN_LIST_RE, 'in (...)')
    .replace(WS_RE, ' ')
    .trim()
    .toLowerCase();
}

/** 64-bit FNV-1a as 16 hex digits (two 32-bit lanes, no BigInt on this path). */
export function hash64Hex(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x01000193) ^ (h1 >>> 15);
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

export function fallbackFingerprint(text: string): string {
  return hash64Hex(fallbackNormalize(text));
}
