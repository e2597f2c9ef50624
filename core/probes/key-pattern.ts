/**
 * Default key pattern for per-pattern cache statistics, the same rule the profiling library's
 * cache analyzer describes (issue 2): first segment, then the second with its id stripped, then
 * `:*` — `policy:user-123:tool:invoke` -> `policy:user:*`, `team:membership:42` ->
 * `team:membership:*`, `session:8f14e45f-ceea-467f-a0e6-1c2f3a4b5c6d` -> `session:*`.
 * core/profiling has no such function yet; when it gets one, this should become a re-export.
 */

export type KeyPatternFn = (key: string) => string;

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** A whole segment that is an id: a number, a UUID, or a long hex string (hashes, object ids). */
const WHOLE_ID = new RegExp(`^(\\d+|${UUID}|[0-9a-f]{16,})$`, 'i');
/** An id glued to a name with a separator: `user-123`, `tool_9`, `doc.5f3a9c01`. */
const SUFFIX_ID = new RegExp(`[-_.](\\d+|${UUID}|[0-9a-f]{8,})$`, 'i');

export function stripId(segment: string): string {
  if (WHOLE_ID.test(segment)) return '';
  return segment.replace(SUFFIX_ID, '');
}

export const defaultKeyPattern: KeyPatternFn = (key) => {
  const segments = key.split(':');
  if (segments.length === 1) {
    const stripped = stripId(key);
    return stripped === key ? key : `${stripped}*`;
  }
  const first = stripId(segments[0] ?? '') || '*';
  const second = stripId(segments[1] ?? '');
  return second === '' ? `${first}:*` : `${first}:${second}:*`;
};
