import type { Migration } from '../migration.ts';
import { migration001 } from './001-core.ts';
import { migration003 } from './003-batches.ts';

/** Every migration, in any order (the runner sorts by id). */
export const ALL_MIGRATIONS: readonly Migration[] = [migration001, migration003];
