import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../core/common/errors.js';
import { parseReportText, readReportFile, validateReport } from '../../../core/report/validate.js';
import { makeReport } from '../../fixtures/report.js';

const dir = mkdtempSync(join(tmpdir(), 'sw-validate-'));
const file = (name: string, content: string) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const reject = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
};

describe('report validation', () => {
  it('accepts a complete report (types and schema agree)', () => {
    const r = makeReport();
    expect(validateReport(JSON.parse(JSON.stringify(r)))).toEqual(JSON.parse(JSON.stringify(r)));
  });

  it('names the field and what is wrong', () => {
    const r = JSON.parse(JSON.stringify(makeReport()));
    r.summary.requests = 'many';
    expect(reject(() => validateReport(r, 'x.json'))).toBe('x.json: /summary/requests: must be integer');
    delete r.summary;
    expect(reject(() => validateReport(r, 'x.json'))).toContain('missing required field "summary"');
  });

  it('rejects bad JSON, truncation and empty files with one line', () => {
    const text = JSON.stringify(makeReport());
    expect(reject(() => readReportFile(file('t.json', text.slice(0, text.length / 2))))).toMatch(/truncated or invalid JSON/);
    expect(reject(() => readReportFile(file('e.json', '')))).toMatch(/empty/);
    expect(reject(() => readReportFile(file('b.json', '{"schema_version": 1,,}')))).toMatch(/invalid JSON/);
    expect(reject(() => readReportFile(join(dir, 'missing.json')))).toMatch(/no such file/);
  });

  it('rejects a future schema version', () => {
    const r = JSON.parse(JSON.stringify(makeReport()));
    r.schema_version = 99;
    expect(reject(() => validateReport(r))).toMatch(/schema_version 99 is newer/);
  });

  it('rejects huge arrays and deep nesting without crashing', () => {
    const r = JSON.parse(JSON.stringify(makeReport()));
    r.slow_queries = new Array(20_000).fill(r.queries.by_fingerprint[0]);
    expect(reject(() => validateReport(r))).toMatch(/\/slow_queries: too many items/);
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const d = JSON.parse(JSON.stringify(makeReport()));
    d.probes = { nested: deep };
    expect(reject(() => validateReport(d))).toMatch(/nested deeper than 64/);
    const deepText = '['.repeat(200_000) + ']'.repeat(200_000);
    expect(reject(() => parseReportText(`{"schema_version":1,"x":${deepText}}`))).toMatch(/deeper|invalid JSON/);
  });

  it('rejects non-objects and wrong top-level types', () => {
    expect(reject(() => parseReportText('[1,2,3]'))).toMatch(/not a report/);
    expect(reject(() => parseReportText('"hello"'))).toMatch(/not a report/);
    expect(reject(() => parseReportText('{"schema_version":"1"}'))).toMatch(/schema_version/);
  });
});
