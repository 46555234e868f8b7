import type { Migration } from '../migration.ts';

/**
 * Style profiles (brand DNA). A profile is immutable per version: every edit, lock change or
 * re-analysis writes a new (id, version) row, so a batch that recorded its profile_version
 * can always be reproduced and explained. Reference images belong to the profile id (all
 * versions share them) and live in <library>/refs/<profileId>/<sha256>.png.
 */
export const migration002: Migration = {
  id: 2,
  name: 'profiles',
  up(db) {
    db.exec(`
      CREATE TABLE profiles (
        id TEXT NOT NULL,
        version INTEGER NOT NULL,
        name TEXT NOT NULL,
        data TEXT NOT NULL,                    -- JSON StyleProfileData
        clip_centroid BLOB,                    -- Float32 little-endian, L2-normalised; null without CLIP
        clip_model TEXT,
        locks TEXT NOT NULL DEFAULT '[]',      -- JSON LockKey[]
        edits TEXT NOT NULL DEFAULT '{}',      -- JSON ProfileEdits applied to make this version
        reason TEXT NOT NULL,                  -- created | edit | reanalyse
        created_at INTEGER NOT NULL,
        PRIMARY KEY (id, version)
      ) STRICT;

      CREATE TABLE profile_refs (
        profile_id TEXT NOT NULL,
        sha256 TEXT NOT NULL,                  -- of the stored PNG copy
        position INTEGER NOT NULL,
        name TEXT NOT NULL,                    -- original file name
        path TEXT NOT NULL,                    -- library-relative: refs/<profileId>/<sha256>.png
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (profile_id, sha256)
      ) STRICT;
    `);
  },
};
