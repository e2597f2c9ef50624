import type { Migration } from './migration.js';
import { migration001 } from './001-initial.js';

/** Every migration, in order. Append only. */
export const MIGRATIONS: readonly Migration[] = [migration001];

export type { Migration } from './migration.js';
