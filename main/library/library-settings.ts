import type { Database } from 'better-sqlite3';
import { getSetting } from '../db/settings-repo.ts';

/** Settings keys (settings table, JSON values) and their defaults. */
export const LIBRARY_SETTINGS = {
  archiveAfterDays: { key: 'library.archiveAfterDays', fallback: 90 },
  keepVersions: { key: 'library.keepVersions', fallback: 5 },
} as const;

export function archiveAfterDays(db: Database): number {
  return getSetting(db, LIBRARY_SETTINGS.archiveAfterDays.key, LIBRARY_SETTINGS.archiveAfterDays.fallback);
}

export function keepVersions(db: Database): number {
  return Math.max(1, getSetting(db, LIBRARY_SETTINGS.keepVersions.key, LIBRARY_SETTINGS.keepVersions.fallback));
}
