import type Database from 'better-sqlite3';

/**
 * One schema step. Forward only: a released migration is never edited, a change is a new one.
 * `up` runs inside the transaction that records it in schema_migrations.
 */
export interface Migration {
  /** 1, 2, 3... without gaps; matches the NNN of the file name. */
  version: number;
  /** Matches the file name after NNN-; recorded so a mismatched lineage is caught. */
  name: string;
  up(db: Database.Database): void;
}
