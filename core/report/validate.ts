import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { UsageError } from '../common/errors.js';
import { resourcePath } from '../common/paths.js';
import { REPORT_SCHEMA_VERSION, type SessionReport } from './types.js';

/**
 * Validation of report files against resources/report.schema.json. Used on export (we never
 * write a file we would refuse to read) and on import, where the input is untrusted: every
 * failure is a UsageError naming the field and what is wrong, and nothing reaches the store.
 */

/** Largest report file accepted by import (a 30-minute session exports to a few MB). */
export const MAX_REPORT_BYTES = 64 * 1024 * 1024;
/** Deepest nesting accepted; the deepest legitimate part is the call tree (spans rarely nest > 20). */
export const MAX_NESTING_DEPTH = 64;

// ajv is CommonJS; its 2020-12 build is the class exported as default.
const require = createRequire(import.meta.url);
type AjvCtor = new (opts: Record<string, unknown>) => { compile(schema: unknown): ValidateFunction };
const Ajv2020 = (require('ajv/dist/2020') as { default: AjvCtor }).default;

let validator: ValidateFunction | undefined;
function getValidator(): ValidateFunction {
  if (validator === undefined) {
    const schema: unknown = JSON.parse(readFileSync(resourcePath('report.schema.json'), 'utf8'));
    validator = new Ajv2020({ allErrors: false, strict: false }).compile(schema);
  }
  return validator;
}

/** Depth of a parsed JSON value, computed iteratively (a hostile file must not blow the stack). */
export function jsonDepth(value: unknown, limit: number): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (d > max) max = d;
    if (max > limit) return max;
    if (v !== null && typeof v === 'object') {
      for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) {
        if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
      }
    }
  }
  return max;
}

function describe(err: ErrorObject): string {
  const where = err.instancePath === '' ? '(top level)' : err.instancePath;
  switch (err.keyword) {
    case 'required':
      return `${where}: missing required field "${String((err.params as { missingProperty: string }).missingProperty)}"`;
    case 'enum':
      return `${where}: must be one of ${JSON.stringify((err.params as { allowedValues: unknown[] }).allowedValues)}`;
    case 'maxItems':
      return `${where}: too many items (limit ${String((err.params as { limit: number }).limit)})`;
    default:
      return `${where}: ${err.message ?? 'is invalid'}`;
  }
}

/** Validates a parsed report; throws UsageError with the first problem found. */
export function validateReport(value: unknown, label = 'report'): SessionReport {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`${label}: not a report (expected a JSON object)`);
  }
  const version = (value as { schema_version?: unknown }).schema_version;
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    throw new UsageError(`${label}: /schema_version: missing or not an integer`);
  }
  if (version > REPORT_SCHEMA_VERSION) {
    throw new UsageError(
      `${label}: schema_version ${version} is newer than this build supports (${REPORT_SCHEMA_VERSION}); upgrade sark-workbench`,
    );
  }
  if (jsonDepth(value, MAX_NESTING_DEPTH) > MAX_NESTING_DEPTH) {
    throw new UsageError(`${label}: nested deeper than ${MAX_NESTING_DEPTH} levels`);
  }
  const validate = getValidator();
  if (!validate(value)) {
    const first = validate.errors?.[0];
    throw new UsageError(`${label}: ${first ? describe(first) : 'does not match the report schema'}`);
  }
  return value as SessionReport;
}

/** Parses report text (already size-checked by the caller) with precise errors. */
export function parseReportText(text: string, label = 'report'): SessionReport {
  if (text.trim() === '') throw new UsageError(`${label}: file is empty`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const at = /position (\d+)/.exec(msg);
    const truncated = /Unexpected end|unterminated|end of JSON/i.test(msg) || (at !== null && Number(at[1]) >= text.trimEnd().length);
    throw new UsageError(`${label}: ${truncated ? 'truncated or ' : ''}invalid JSON (${msg})`);
  }
  return validateReport(parsed, label);
}

/** Reads and validates a report file. */
export function readReportFile(path: string): SessionReport {
  let buf: Buffer;
  try {
    const size = statSync(path).size;
    if (size > MAX_REPORT_BYTES) {
      throw new UsageError(`${path}: ${size} bytes is larger than the ${MAX_REPORT_BYTES}-byte limit for a report`);
    }
    buf = readFileSync(path);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`${path}: no such file`);
    if (code === 'EISDIR') throw new UsageError(`${path}: is a directory, not a report file`);
    throw new UsageError(`${path}: cannot read (${code ?? String(err)})`);
  }
  return parseReportText(buf.toString('utf8'), path);
}
