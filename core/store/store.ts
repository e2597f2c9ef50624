import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError, WorkbenchError, errorMessage } from '../common/errors.js';
import { assertWorkbenchStore, migrate, readApplied, SCHEMA_VERSION, type AppliedMigration } from './migrate.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';
import { createSessionReader, type SessionReader } from './readers/index.js';
import { recoverAbandonedSessions } from './recovery.js';
import type { TableName, TableRows } from './row-types.js';
import { SessionsRepo } from './sessions-repo.js';
import { StatementCache } from './statement-cache.js';
import { TABLE_NAMES } from './table-specs.js';
import { TableWriter } from './table-writer.js';

/**
 * How long a statement waits for another process's write lock before failing. The recorder
 * holds it for one batch (milliseconds); 5 s covers a large delete or import in the other
 * process without hanging a command forever.
 */
const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

export interface StoreOptions {
  busyTimeoutMs?: number;
  /** Mark abandoned `recording` sessions `interrupted` at open (default true). */
  recover?: boolean;
  /** Clock (epoch ms), for tests of heartbeat staleness. */
  now?: () => number;
  /** Migrations to apply; tests pass a longer list to simulate a newer build. */
  migrations?: readonly Migration[];
}

interface Flushable {
  close(): void;
}

/**
 * The session store: one SQLite file in WAL mode (readers never block the recorder's writes,
 * and the CLI, the backend API and a recorder can share the file), synchronous=NORMAL (in WAL
 * mode a power cut may lose the last transactions but never corrupts the file; the recorder
 * flushes every 100 ms anyway), foreign keys on (deleting a session cascades).
 */
export class Store {
  readonly sessions: SessionsRepo;
  readonly reader: SessionReader;
  /** Typed row writes with the writer's statements, for whole-session writes (imports, analysis). */
  readonly tables: TableWriter;
  /** Migrations applied by this open (empty when the schema was current). */
  readonly appliedMigrations: readonly number[];
  /** Sessions crash recovery marked `interrupted` at this open. */
  readonly recoveredSessionIds: readonly string[];
  private readonly writers = new Set<Flushable>();

  /** @internal use openStore(). */
  constructor(
    readonly path: string,
    readonly db: Database.Database,
    options: StoreOptions,
  ) {
    const now = options.now ?? Date.now;
    this.appliedMigrations = migrate(db, path, options.migrations ?? MIGRATIONS);
    this.sessions = new SessionsRepo(db, now);
    this.reader = createSessionReader(new StatementCache(db));
    this.tables = new TableWriter(db);
    this.recoveredSessionIds = options.recover === false ? [] : recoverAbandonedSessions(db, now());
  }

  /** Runs fn in one transaction (nested calls become savepoints). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** Writes rows now, in one transaction (imports, analysis results, tests). */
  write<T extends TableName>(table: T, rows: readonly TableRows[T][]): void {
    this.tables.write(table, rows);
  }

  /** Replaces a session's rows of one table (e.g. recommendations re-derived by analysis). */
  replace<T extends TableName>(table: T, sessionId: string, rows: readonly TableRows[T][]): void {
    if (rows.some((r) => r.session_id !== sessionId)) throw new UsageError(`replace(${table}): every row must belong to session ${sessionId}`);
    this.transaction(() => {
      this.db.prepare(`DELETE FROM "${table}" WHERE session_id = ?`).run(sessionId);
      this.tables.writeInTransaction(table, rows);
    });
  }

  /** Rows per table for a session (the UI's "what was recorded", tests). */
  countRows(sessionId: string): Record<TableName, number> {
    const out = {} as Record<TableName, number>;
    for (const table of TABLE_NAMES) {
      out[table] = (this.db.prepare(`SELECT count(*) AS n FROM "${table}" WHERE session_id = ?`).get(sessionId) as { n: number }).n;
    }
    return out;
  }

  schemaVersion(): number {
    return readApplied(this.db).at(-1)?.version ?? 0;
  }

  migrations(): AppliedMigration[] {
    return readApplied(this.db);
  }

  /** Flushes and closes this store's batched writers, then the database. */
  close(): void {
    if (!this.db.open) return;
    for (const writer of [...this.writers]) writer.close();
    this.db.close();
  }

  /** @internal called by createBatchedWriter so close() flushes it. */
  registerWriter(writer: Flushable): void {
    this.writers.add(writer);
  }

  /** @internal */
  unregisterWriter(writer: Flushable): void {
    this.writers.delete(writer);
  }
}

/**
 * Opens (creating folders and file if needed) the store at `path`, or an in-memory one for
 * `':memory:'`, brings its schema up to date and runs crash recovery. A file that is not a
 * SQLite database, another application's database, or a newer schema than this build knows is
 * refused with a one-line WorkbenchError; nothing is changed in it.
 */
export function openStore(path: string, options: StoreOptions = {}): Store {
  const memory = path === ':memory:';
  const shown = memory ? path : resolve(path);
  let db: Database.Database | undefined;
  try {
    if (!memory) mkdirSync(dirname(shown), { recursive: true });
    db = new Database(shown, { timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
    // First reads: a file that is not a database, or is someone else's, fails here, before any
    // pragma writes to it.
    assertWorkbenchStore(db, shown);
    db.pragma('foreign_keys = ON');
    if (!memory) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    return new Store(shown, db, options);
  } catch (err) {
    db?.close();
    throw storeOpenError(shown, err);
  }
}

function storeOpenError(path: string, err: unknown): WorkbenchError {
  if (err instanceof WorkbenchError) return err;
  const code = (err as { code?: unknown }).code;
  switch (code) {
    case 'SQLITE_NOTADB':
      return new UsageError(`${path} is not a SARK Workbench store (not a SQLite database)`, { cause: err });
    case 'SQLITE_CORRUPT':
      return new WorkbenchError(`${path} is damaged (SQLite reports corruption); restore it or use another --db`, 1, { cause: err });
    case 'SQLITE_CANTOPEN':
    case 'EACCES':
    case 'EISDIR':
    case 'ENOTDIR':
      return new UsageError(`cannot open the session store at ${path}: ${errorMessage(err)}`, { cause: err });
    case 'SQLITE_BUSY':
      return new WorkbenchError(`the session store at ${path} is locked by another process; try again`, 1, { cause: err });
    default:
      return new WorkbenchError(`cannot open the session store at ${path}: ${errorMessage(err)}`, 1, { cause: err });
  }
}

export { SCHEMA_VERSION };
