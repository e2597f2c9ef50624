import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError, WorkbenchError } from '../../../core/common/errors.js';
import { MIGRATIONS } from '../../../core/store/migrations/index.js';
import { openStore, SCHEMA_VERSION } from '../../../core/store/index.js';
import { tempDir } from './helpers.js';

describe('openStore and migrations', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.remove());

  it('creates the folders and file, applies every migration once and records it', () => {
    const store = openStore(tmp.dbPath);
    expect(store.appliedMigrations).toEqual(MIGRATIONS.map((m) => m.version));
    const recorded = store.migrations();
    expect(recorded.map((m) => [m.version, m.name])).toEqual(MIGRATIONS.map((m) => [m.version, m.name]));
    expect(Number.isNaN(Date.parse(recorded[0]!.applied_at))).toBe(false);
    expect(store.schemaVersion()).toBe(SCHEMA_VERSION);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    store.close();
  });

  it('reopening is idempotent: nothing re-applied, sessions kept', () => {
    const first = openStore(tmp.dbPath);
    const id = first.sessions.create({ target_kind: 'observe', target: {}, status: 'completed' }).id;
    const appliedAt = first.migrations();
    first.close();
    const second = openStore(tmp.dbPath);
    expect(second.appliedMigrations).toEqual([]);
    expect(second.migrations()).toEqual(appliedAt);
    expect(second.sessions.get(id)?.status).toBe('completed');
    second.close();
  });

  it('applies only the new migrations of a newer build', () => {
    openStore(tmp.dbPath).close();
    const extra = { version: MIGRATIONS.length + 1, name: 'add-notes', up: (db: Database.Database) => db.exec('ALTER TABLE sessions ADD COLUMN notes TEXT') };
    const store = openStore(tmp.dbPath, { migrations: [...MIGRATIONS, extra] });
    expect(store.appliedMigrations).toEqual([extra.version]);
    expect(store.db.prepare("SELECT count(*) AS n FROM pragma_table_info('sessions') WHERE name = 'notes'").get()).toEqual({ n: 1 });
    store.close();
  });

  it('a failing migration leaves nothing half-applied and is not recorded', () => {
    openStore(tmp.dbPath).close();
    const broken = {
      version: MIGRATIONS.length + 1,
      name: 'broken',
      up: (db: Database.Database) => db.exec('CREATE TABLE half_done (x INTEGER); SELECT * FROM no_such_table'),
    };
    expect(() => openStore(tmp.dbPath, { migrations: [...MIGRATIONS, broken] })).toThrow(WorkbenchError);
    const store = openStore(tmp.dbPath);
    expect(store.schemaVersion()).toBe(SCHEMA_VERSION);
    expect(store.db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'half_done'").get()).toEqual({ n: 0 });
    store.close();
  });

  it('refuses a store whose schema is newer than this build', () => {
    const store = openStore(tmp.dbPath);
    store.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(SCHEMA_VERSION + 1, 'from-the-future', new Date().toISOString());
    store.close();
    let caught: unknown;
    try {
      openStore(tmp.dbPath);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(WorkbenchError);
    expect((caught as Error).message).toMatch(new RegExp(`schema version ${SCHEMA_VERSION + 1}, newer than this build`));
    expect((caught as Error).message).not.toContain('\n');
  });

  it('refuses a store whose recorded migrations are not ours', () => {
    const store = openStore(tmp.dbPath);
    store.db.prepare('UPDATE schema_migrations SET name = ? WHERE version = 1').run('someone-elses');
    store.close();
    expect(() => openStore(tmp.dbPath)).toThrow(/migration 1 "someone-elses"/);
  });

  it('a file that is not a SQLite database is a one-line usage error, and the file is left as it was', () => {
    writeFileSync(tmp.dir + '/garbage.sqlite', 'this is not a database, just some text that is long enough '.repeat(20));
    const before = readFileSync(tmp.dir + '/garbage.sqlite');
    let caught: unknown;
    try {
      openStore(tmp.dir + '/garbage.sqlite');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as Error).message).toMatch(/garbage\.sqlite is not a SARK Workbench store \(not a SQLite database\)/);
    expect(readFileSync(tmp.dir + '/garbage.sqlite').equals(before)).toBe(true);
  });

  it("refuses another application's SQLite database without touching it", () => {
    const path = tmp.dir + '/other.sqlite';
    const other = new Database(path);
    other.exec("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('ada')");
    other.close();
    expect(() => openStore(path)).toThrow(/is a SQLite database but not a SARK Workbench store/);
    const check = new Database(path, { readonly: true });
    expect(check.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all()).toEqual([{ name: 'contacts' }]);
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
    check.close();
  });

  it('a folder where the file should be is a clear error', () => {
    expect(() => openStore(tmp.dir)).toThrow(/cannot open the session store at/);
  });

  it("':memory:' works for tests", () => {
    const store = openStore(':memory:');
    expect(store.schemaVersion()).toBe(SCHEMA_VERSION);
    store.close();
  });
});
