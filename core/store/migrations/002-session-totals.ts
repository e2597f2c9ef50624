import type { Migration } from './migration.js';

/**
 * Totals written once when a session ends (or is imported), so reading a report never has to
 * merge thousands of per-second windows, and an imported report keeps every section it came
 * with even when it has no per-second data behind it.
 *
 * - latency_totals   request latency per kind over the whole session, with the merged HDR
 *                    histogram; kind '*' is every request.
 * - report_sections  small report parts with no table of their own (critical-metric checks,
 *                    query totals, errors by class, probe findings), as JSON by name.
 */
const SQL = `
CREATE TABLE latency_totals (
  session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL,
  requests    INTEGER NOT NULL,
  errors      INTEGER NOT NULL,
  mean_ms     REAL NOT NULL,
  p50_ms      REAL NOT NULL,
  p95_ms      REAL NOT NULL,
  p99_ms      REAL NOT NULL,
  max_ms      REAL NOT NULL,
  hist        TEXT,
  PRIMARY KEY (session_id, kind)
) WITHOUT ROWID;

CREATE TABLE report_sections (
  session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  data        TEXT NOT NULL CHECK (json_valid(data)),
  PRIMARY KEY (session_id, name)
) WITHOUT ROWID;
`;

export const migration002: Migration = {
  version: 2,
  name: 'session-totals',
  up(db) {
    db.exec(SQL);
  },
};
