import { UsageError } from '../common/errors.js';

/**
 * A range of ids `prefix + n` for n in first..last, e.g. `user-1..user-5000` (the embedded
 * server's deterministic ids, ARCHITECTURE.md). Ids are restricted to URL- and JSON-safe
 * characters, so they are substituted into paths and bodies without escaping on the hot path.
 */
export interface IdRange {
  prefix: string;
  first: number;
  last: number;
}

/** Characters allowed in id prefixes, actions and critical tool ids: no quoting ever needed. */
export const SAFE_ID = /^[A-Za-z0-9_.:~-]*$/;

const RANGE_FORM = /^([A-Za-z0-9_.:~-]*?)(\d+)\.\.(?:\1)?(\d+)$/;

/**
 * Parses `user-1..5000` or `user-1..user-5000` (prefix, first, last). A bare count `5000`
 * means `<defaultPrefix>1..5000`.
 */
export function parseIdRange(text: string, defaultPrefix: string, label: string): IdRange {
  const t = text.trim();
  if (/^\d+$/.test(t)) return checkIdRange({ prefix: defaultPrefix, first: 1, last: Number(t) }, label);
  const m = RANGE_FORM.exec(t);
  if (!m) {
    throw new UsageError(`${label}: '${text}' is not an id range (expected e.g. ${defaultPrefix}1..100 or a count)`);
  }
  return checkIdRange({ prefix: m[1] ?? '', first: Number(m[2]), last: Number(m[3]) }, label);
}

export function checkIdRange(range: IdRange, label: string): IdRange {
  if (!SAFE_ID.test(range.prefix)) {
    throw new UsageError(`${label}: prefix '${range.prefix}' may contain only letters, digits and _ . : ~ -`);
  }
  if (!Number.isSafeInteger(range.first) || !Number.isSafeInteger(range.last) || range.first < 0) {
    throw new UsageError(`${label}: bounds must be non-negative integers`);
  }
  if (range.last < range.first) {
    throw new UsageError(`${label}: last (${range.last}) is below first (${range.first})`);
  }
  return range;
}

export function formatIdRange(range: IdRange): string {
  return `${range.prefix}${range.first}..${range.last}`;
}

export function idRangeSize(range: IdRange): number {
  return range.last - range.first + 1;
}

/** The id at 0-based index i of the range. */
export function idAt(range: IdRange, i: number): string {
  return range.prefix + (range.first + i);
}
