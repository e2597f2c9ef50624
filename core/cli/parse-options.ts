import { UsageError } from '../common/errors.js';

/**
 * A numeric option's value, or a UsageError naming it. In a module of its own so that `serve`
 * parses its options without loading the session store.
 */
export function parseNumberOption(name: string, value: string, opts: { integer?: boolean; min?: number; max?: number } = {}): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || (opts.integer && !Number.isInteger(n))) {
    throw new UsageError(`${name} must be ${opts.integer ? 'an integer' : 'a number'}, got "${value}"`);
  }
  if (opts.min !== undefined && n < opts.min) throw new UsageError(`${name} must be >= ${opts.min}, got ${value}`);
  if (opts.max !== undefined && n > opts.max) throw new UsageError(`${name} must be <= ${opts.max}, got ${value}`);
  return n;
}
