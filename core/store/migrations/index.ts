import type { Migration } from './migration.js';
import { migration001 } from './001-initial.js';
import { migration002 } from './002-session-totals.js';

/** Every migration, in order. Append only. */
export const MIGRATIONS: readonly Migration[] = [migration001, migration002];

export type { Migration } from './migration.js';
