import type { Migration } from '../migration.ts';

/**
 * profile_sources: the reference files a profile was built from (a key over their content), so
 * the New batch screen, the hot folder and `assetql run` reuse that profile for the same files.
 */
export const migration008: Migration = {
  id: 8,
  name: 'profile-sources',
  up(db) {
    db.exec(`
      CREATE TABLE profile_sources (
        refs_key TEXT PRIMARY KEY,             -- sha256 over the sorted sha256s of the reference files
        profile_id TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
    `);
  },
};
