import { redactText } from '../common/redact.js';
import type { JsonValue } from './json-types.js';

/**
 * Keys whose values are secrets whatever they look like (`password`, `redisPassword`,
 * `auth_token`, `apiKey`). Matched on the last word only, so `max_tokens` is not masked.
 */
const SECRET_KEY = /(^|[_-])(password|passwd|pwd|secret|token|api_?key|credentials?)$/i;
const MASK = '***';

/**
 * A deep copy of a JSON value with every secret removed: URL passwords and secret query
 * parameters in any string (redactText -> redactUrl), and whole values under secret-named keys.
 * The store runs target / knobs / load_config through it before they reach SQLite.
 */
export function redactJson<T extends JsonValue>(value: T): T {
  return redactValue(value) as T;
}

function redactValue(value: JsonValue): JsonValue {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: JsonValue } = {};
    for (const [key, v] of Object.entries(value)) {
      out[key] = isSecretKey(key) && v !== null && typeof v !== 'object' ? MASK : redactValue(v);
    }
    return out;
  }
  return value;
}

/** Free text (error messages, event messages) with URL credentials masked; null stays null. */
export function redactNullable(text: string | null | undefined): string | null {
  return text == null ? null : redactText(text);
}

function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key.replace(/([a-z0-9])([A-Z])/g, '$1_$2'));
}
