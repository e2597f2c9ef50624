import { UsageError } from '../common/errors.js';

/**
 * Cache key -> key pattern (the seed's "Cache Hit Rate by Key Pattern" table). Rules are tried
 * in order and the first that matches wins; the default rule keeps the first segment,
 * normalises the second (drops ids: `-123`, numbers, UUIDs, long hex) and appends `:*`:
 *   policy:user-123:tool-9:invoke -> policy:user:*
 *   sensitivity:tool-55           -> sensitivity:tool:*
 *   user:role:123                 -> user:role:*
 *   user:123                      -> user:*
 */

export interface KeyPatternRule {
  /** Keys this rule applies to. */
  match: RegExp;
  /** The pattern: a fixed string, or computed from the key (and the match). */
  pattern: string | ((key: string, match: RegExpExecArray) => string);
}

/**
 * A UUID or a long hex string at the end of a segment, after `-` or `_` or as the whole
 * segment (the rare case; trailing numbers are handled without a regex).
 */
const HEX_SUFFIX_RE = /(?:^|[-_])(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,})$/i;
/** Shortest segment that can end in a hex id (16 hex digits). */
const MIN_HEX_ID = 16;

/** Index where a trailing numeric id starts (at its `-`/`_`, or 0), or -1 if there is none. */
function numericIdStart(s: string): number {
  let i = s.length;
  while (i > 0) {
    const c = s.charCodeAt(i - 1);
    if (c < 48 || c > 57) break;
    i--;
  }
  if (i === s.length) return -1;
  if (i === 0) return 0;
  const sep = s.charCodeAt(i - 1);
  return sep === 45 /* - */ || sep === 95 /* _ */ ? i - 1 : -1;
}

/**
 * A key segment without its id: `user-123` -> `user`, `123` -> ``, a UUID -> ``. `v2` or
 * `tool9` are names, not ids, and stay. Runs on every cache operation: no regex unless the
 * segment is long enough to end in a hex id.
 */
export function stripId(segment: string): string {
  let s = segment;
  // At most two passes: `tool-9-2` style compound ids are rare; more would be a name, not an id.
  for (let pass = 0; pass < 2; pass++) {
    const cut = numericIdStart(s);
    if (cut >= 0) {
      s = s.slice(0, cut);
      continue;
    }
    if (s.length >= MIN_HEX_ID) {
      const next = s.replace(HEX_SUFFIX_RE, '');
      if (next !== s) {
        s = next;
        continue;
      }
    }
    break;
  }
  return s;
}

/** The default rule's pattern from a key's first segment and its second without the id. */
function joinPattern(head: string, normalized: string): string {
  return normalized === '' ? `${head}:*` : `${head}:${normalized}:*`;
}

/** The segment after the first `:` (at `first`), without its id. */
function idlessSecond(key: string, first: number): string {
  const end = key.indexOf(':', first + 1);
  return stripId(end < 0 ? key.slice(first + 1) : key.slice(first + 1, end));
}

/** The default rule as a function (fast path: no regex unless the segment has digits). */
export function defaultKeyPattern(key: string): string {
  const first = key.indexOf(':');
  if (first < 0) {
    const stripped = stripId(key);
    return stripped === '' ? '*' : stripped;
  }
  return joinPattern(key.slice(0, first), idlessSecond(key, first));
}

/**
 * Patterns the default rule produced, by first segment then by the normalised second. Bounded:
 * a service has a handful; past the bound the cache starts over (the patterns are recomputed).
 */
const MAX_INTERNED_PATTERNS = 4_096;

/** Prefixes the fast path remembers (see KeyPatterns.fastPattern): a service has a handful. */
const MAX_RECENT_PREFIXES = 8;

/**
 * True when `key`, from `from` up to its next `:` or its end, is `-` or `_` and digits only:
 * exactly the one numeric id stripId removes in a single pass, so the segment's pattern is the
 * remembered one.
 */
function isNumericIdTail(key: string, from: number): boolean {
  const sep = key.charCodeAt(from);
  if (sep !== 45 /* - */ && sep !== 95 /* _ */) return false;
  let i = from + 1;
  const start = i;
  for (; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c === 58 /* : */) break;
    if (c < 48 || c > 57) return false;
  }
  return i > start;
}

export class KeyPatterns {
  private rules: KeyPatternRule[] = [];
  /**
   * The default rule's patterns, interned: every key of a pattern gets the same string object
   * back, so the caller's Map lookup by pattern reuses its hash, and no pattern string is built
   * per key. Small and hot, unlike a per-key memo: keys are mostly distinct, and a Map of
   * thousands of them costs a cache and TLB miss or two per lookup in a busy process (~1-3 µs
   * per operation in the server's CPU profile, against ~0.1 µs in a loop).
   */
  private interned = new Map<string, Map<string, string>>();
  private internedCount = 0;
  /**
   * `head:idless-second` of recent keys and their patterns, newest first. A key that starts
   * with one and goes on with `:`, its end, or one numeric id (`-123`) has that pattern, found
   * with a few character compares and no string built: the parse below slices two segments and
   * hashes them for every operation (~0.4 µs each in the server's CPU profile).
   */
  private recent: Array<{ prefix: string; pattern: string }> = [];

  constructor(rules: readonly KeyPatternRule[] = []) {
    this.setRules(rules);
  }

  /** Replaces the custom rules (the default rule always applies last). */
  setRules(rules: readonly KeyPatternRule[]): void {
    if (!Array.isArray(rules)) throw new UsageError('key pattern rules must be an array');
    for (const r of rules) {
      if (!(r?.match instanceof RegExp) || (typeof r.pattern !== 'string' && typeof r.pattern !== 'function')) {
        throw new UsageError('each key pattern rule needs `match` (a RegExp) and `pattern` (a string or a function)');
      }
    }
    // Without g/y flags so exec() has no state between keys.
    this.rules = rules.map((r) => ({
      match: r.match.global || r.match.sticky ? new RegExp(r.match.source, r.match.flags.replace(/[gy]/g, '')) : r.match,
      pattern: r.pattern,
    }));
  }

  patternOf(key: string): string {
    const rules = this.rules;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i] as KeyPatternRule;
      const m = rule.match.exec(key);
      if (m !== null) return typeof rule.pattern === 'string' ? rule.pattern : rule.pattern(key, m);
    }
    const fast = this.fastPattern(key);
    if (fast !== null) return fast;
    const first = key.indexOf(':');
    if (first < 0) return defaultKeyPattern(key);
    const head = key.slice(0, first);
    const normalized = idlessSecond(key, first);
    if (this.internedCount >= MAX_INTERNED_PATTERNS) {
      this.interned = new Map();
      this.internedCount = 0;
    }
    let byHead = this.interned.get(head);
    if (byHead === undefined) {
      byHead = new Map();
      this.interned.set(head, byHead);
    }
    let pattern = byHead.get(normalized);
    if (pattern === undefined) {
      pattern = joinPattern(head, normalized);
      byHead.set(normalized, pattern);
      this.internedCount++;
    }
    // Only a segment stripId leaves as it is: then `-123` after it is exactly what it strips.
    if (normalized !== '' && stripId(normalized) === normalized) this.remember(`${head}:${normalized}`, pattern);
    return pattern;
  }

  /** The default rule's pattern from a remembered prefix, or null (then the full parse runs). */
  private fastPattern(key: string): string | null {
    for (const { prefix, pattern } of this.recent) {
      if (!key.startsWith(prefix)) continue;
      const end = prefix.length;
      // The second segment ends right there, or goes on with exactly one numeric id.
      if (end === key.length || key.charCodeAt(end) === 58 /* : */ || isNumericIdTail(key, end)) return pattern;
    }
    return null;
  }

  private remember(prefix: string, pattern: string): void {
    if (this.recent.some((r) => r.prefix === prefix)) return;
    if (this.recent.length >= MAX_RECENT_PREFIXES) this.recent.pop();
    this.recent.unshift({ prefix, pattern });
  }
}
