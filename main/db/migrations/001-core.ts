import type { Migration } from '../migration.ts';

export const migration001: Migration = {
  id: 1,
  name: 'core',
  up(db) {
    db.exec(`
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,           -- JSON
        updated_at INTEGER NOT NULL
      ) STRICT;
    `);
  },
};
