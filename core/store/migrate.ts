import type Database from 'better-sqlite3';
import { WorkbenchError } from '../common/errors.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';

export interface AppliedMigration {
  version: number;
  name: string;
  applied_at: string;
}

/** The newest schema version this build knows. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Applies the migrations the database lacks, each in its own IMMEDIATE transaction (so two
 * processes opening a fresh file at once do not both apply it: the second waits on the lock,
 * then sees the version recorded and skips it). Returns the versions applied now.
 *
 * Refuses, before touching anything, a database whose schema is newer than this build, one whose
 * recorded migrations disagree with ours, and a SQLite file that holds someone else's tables.
 */
export function migrate(db: Database.Database, path: string, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const applied: number[] = [];
  for (const migration of migrations) {
    const ran = db
      .transaction(() => {
        ensureMigrationsTable(db, path);
        const done = readApplied(db);
        checkKnown(done, migrations, path);
        if (done.some((m) => m.version === migration.version)) return false;
        migration.up(db);
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
          migration.version,
          migration.name,
          new Date().toISOString(),
        );
        return true;
      })
      .immediate();
    if (ran) applied.push(migration.version);
  }
  if (migrations.length === 0) {
    db.transaction(() => {
      ensureMigrationsTable(db, path);
      checkKnown(readApplied(db), migrations, path);
    }).immediate();
  }
  return applied;
}

export function readApplied(db: Database.Database): AppliedMigration[] {
  return db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all() as AppliedMigration[];
}

/**
 * Refuses a SQLite file that holds tables but no schema_migrations: another application's
 * database, which writing our tables (or even switching it to WAL) would damage.
 */
export function assertWorkbenchStore(db: Database.Database, path: string): void {
  if (hasMigrationsTable(db)) return;
  const others = db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").get() as {
    n: number;
  };
  if (others.n > 0) {
    throw new WorkbenchError(`${path} is a SQLite database but not a SARK Workbench store (it has no schema_migrations table)`, 2);
  }
}

function hasMigrationsTable(db: Database.Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
}

function ensureMigrationsTable(db: Database.Database, path: string): void {
  // Checked again under the write lock: another process may have changed the file meanwhile.
  assertWorkbenchStore(db, path);
  if (hasMigrationsTable(db)) return;
  db.exec(`CREATE TABLE schema_migrations (
    version     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_at  TEXT NOT NULL
  )`);
}

function checkKnown(done: readonly AppliedMigration[], migrations: readonly Migration[], path: string): void {
  const newest = done.at(-1);
  if (newest !== undefined && newest.version > migrations.length) {
    throw new WorkbenchError(
      `${path} has schema version ${newest.version}, newer than this build of sark-workbench supports (${migrations.length}); ` +
        'upgrade sark-workbench or use another --db',
    );
  }
  for (const m of done) {
    const ours = migrations[m.version - 1];
    if (ours === undefined || ours.name !== m.name) {
      throw new WorkbenchError(`${path} has migration ${m.version} "${m.name}", which this build does not know; use another --db`);
    }
  }
}
