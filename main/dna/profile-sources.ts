import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { getProfile } from './profile-repo.ts';
import type { StyleProfile } from './style-profile.ts';

/**
 * Which profile was built from which reference files (migration 008), so a batch made from the
 * same references reuses that profile (its latest version, with the user's edits) instead of
 * creating an identical new one. The key is the sorted SHA-256s of the files' bytes: order and
 * file names do not matter, content does.
 */
export function refsKey(files: readonly Buffer[]): string {
  const shas = files.map((b) => createHash('sha256').update(b).digest('hex')).sort();
  return createHash('sha256').update(shas.join('\n')).digest('hex');
}

export function findProfileByRefs(db: Database, key: string): StyleProfile | null {
  const r = db.prepare('SELECT profile_id AS id FROM profile_sources WHERE refs_key = ?').get(key) as { id: string } | undefined;
  if (!r) return null;
  try {
    return getProfile(db, r.id);
  } catch {
    return null; // the profile was deleted: build a new one
  }
}

export function recordProfileRefs(db: Database, key: string, profileId: string, now = Date.now()): void {
  db.prepare('INSERT OR REPLACE INTO profile_sources (refs_key, profile_id, created_at) VALUES (?, ?, ?)').run(key, profileId, now);
}
