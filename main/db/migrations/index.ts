import type { Migration } from '../migration.ts';
import { migration001 } from './001-core.ts';
import { migration002 } from './002-profiles.ts';
import { migration003 } from './003-batches.ts';
import { migration004 } from './004-library.ts';
import { migration005 } from './005-sync.ts';
import { migration006 } from './006-pipeline.ts';
import { migration007 } from './007-typed-ledger.ts';
import { migration008 } from './008-profile-sources.ts';
import { migration011 } from './011-batch-admin.ts';
import { migration013 } from './013-distributed.ts';
import { migration014 } from './014-style-weights.ts';

/** Every migration, in any order (the runner sorts by id). */
export const ALL_MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration008, migration011, migration013, migration014];
