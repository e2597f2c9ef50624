import { describe, expect, it } from 'vitest';
import { QueryProfiler } from '../../../core/profiling/index.js';
import { fingerprintParseCount, loadFingerprinter } from '../../../core/profiling/fingerprints.js';
import { fallbackFingerprint, fallbackNormalize, shapeKey } from '../../../core/profiling/sql-normalize.js';

describe('fingerprint cache', () => {
  it('parses a repeated statement once', async () => {
    const qp = new QueryProfiler();
    await qp.ready();
    const before = fingerprintParseCount();
    for (let i = 0; i < 1_000; i++) qp.recordQuery({ statement: 'SELECT * FROM tools WHERE id = $1', durationMs: 1 });
    expect(fingerprintParseCount() - before).toBe(1);
    expect(qp.getQueryStats().by_fingerprint[0]).toMatchObject({ count: 1_000, query: 'SELECT * FROM tools WHERE id = $1' });
  });

  it('parses inline-literal variants of one statement once (cached by literal-free shape)', async () => {
    const qp = new QueryProfiler();
    await qp.ready();
    const before = fingerprintParseCount();
    for (let i = 0; i < 200; i++) qp.recordQuery({ statement: `SELECT * FROM tools WHERE id = 'tool-${i}' LIMIT ${i + 1}`, durationMs: 1 });
    expect(fingerprintParseCount() - before).toBe(1);
    const stats = qp.getQueryStats().by_fingerprint;
    expect(stats).toHaveLength(1);
    expect(stats[0]).toMatchObject({ count: 200, query: 'SELECT * FROM tools WHERE id = $1 LIMIT $2' });
  });

  it('keys shapes conservatively: quoted identifiers stay, comments and dollar quotes opt out', () => {
    expect(shapeKey(`SELECT "t1".x FROM "t1" WHERE a = 'it''s' AND b = 42 AND c = $1`)).toBe(
      `SELECT "t1".x FROM "t1" WHERE a = ? AND b = ? AND c = $1`,
    );
    expect(shapeKey('SELECT 1 -- note')).toBeNull();
    expect(shapeKey('SELECT $$x$$')).toBeNull();
    expect(shapeKey("SELECT E'a\\'b'")).toBeNull();
    expect(shapeKey('SELECT col1 FROM t2')).toBe('SELECT col1 FROM t2');
  });

  it('gives statements the parser rejects a stable fallback fingerprint', async () => {
    await loadFingerprinter();
    const qp = new QueryProfiler();
    qp.recordQuery({ statement: "SELEC * FROM t WHERE id IN (1, 2, 3) AND x = 'a'", durationMs: 1 });
    qp.recordQuery({ statement: "selec *   from t where id in (4,5) and x = 'b'", durationMs: 1 });
    const stats = qp.getQueryStats().by_fingerprint;
    expect(stats).toHaveLength(1);
    expect(stats[0]!.fingerprint).toBe(fallbackFingerprint("SELEC * FROM t WHERE id IN (7) AND x = 'c'"));
    expect(stats[0]!.query).toBe('selec * from t where id in (...) and x = ?');
    expect(fallbackNormalize('SELECT /* c */ 1 -- d\n')).toBe('select ?');
  });
});
