import type { Database } from 'better-sqlite3';

/**
 * A numbered schema step. Migrations run in id order inside one transaction each and are
 * recorded in schema_migrations, so a database opened by a newer build upgrades in place.
 * Each capability owns its own file: 001 core, 002 profiles, 003 batches/tasks, 004 library,
 * 005 sync; later numbers are free.
 */
export interface Migration {
  id: number;
  name: string;
  up(db: Database): void;
}
