import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../../core/sark/storage/embedded-pg.js';
import { buildPgliteTemplate, pgliteTemplatePath, pgliteVersion } from '../../../core/sark/storage/pglite-template.js';

/**
 * A new embedded database starts from the cluster packed at build time instead of running
 * initdb (the first `serve --embedded` on a new machine must be ready in < 15 s); an existing
 * one is opened as it is.
 */

let home: string;
beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'sark-template-test-'));
  // `npm test` builds it (pretest); a direct vitest run may not have.
  await buildPgliteTemplate();
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

async function select(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('the packaged PGlite template', () => {
  it('is named after the PGlite version that wrote it', () => {
    expect(pgliteVersion()).toMatch(/^\d+\.\d+\.\d+/);
    expect(pgliteTemplatePath()).toMatch(new RegExp(`dist[/\\\\]pglite-template[/\\\\]pglite-${pgliteVersion().replace(/\./g, '\\.')}\\.tar\\.gz$`));
  });

  it('starts a new database from it, and reopens that database with its data afterwards', async () => {
    const dataDir = join(home, 'db');
    const first = await startEmbeddedPostgres({ datasetKey: 'template-test', dataDir, maxConnections: 5, warn: () => undefined });
    try {
      expect(first.fromTemplate).toBe(true);
      await select(first.url, 'CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)');
    } finally {
      await first.close();
    }
    const again = await startEmbeddedPostgres({ datasetKey: 'template-test', dataDir, maxConnections: 5, warn: () => undefined });
    try {
      expect(again.fromTemplate).toBe(false);
      expect(await select(again.url, 'SELECT v FROM kept')).toEqual([{ v: 42 }]);
    } finally {
      await again.close();
    }
  });
});
