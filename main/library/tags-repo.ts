import type { Database } from 'better-sqlite3';
import { AppError } from '../core/app-error.ts';
import type { AssetTag, TagGroup, TagSource } from './asset-types.ts';
import { requireAssetRow } from './asset-row.ts';
import { refreshFts } from './fts-index.ts';

/** Tags are compared and stored lower-case, trimmed, single-spaced. */
export function normaliseTag(tag: string): string {
  return tag.normalize('NFC').trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Live tags of an asset, highest confidence first, user tags first of all. */
export function getAssetTags(db: Database, assetId: string): AssetTag[] {
  requireAssetRow(db, assetId);
  const rows = db
    .prepare(
      `SELECT tag, tag_group, confidence, source FROM asset_tags WHERE asset_id = ? AND removed = 0
       ORDER BY source = 'user' DESC, IFNULL(confidence, 2) DESC, tag`,
    )
    .all(assetId) as { tag: string; tag_group: string; confidence: number | null; source: string }[];
  return rows.map((r) => ({ tag: r.tag, group: r.tag_group as TagGroup, confidence: r.confidence, source: r.source as TagSource }));
}

export interface TagEdit {
  add?: string[];
  remove?: string[];
}

/**
 * User edits. Added tags become source 'user'; removed tags become user tombstones
 * (removed = 1) so automatic re-tagging never brings them back.
 */
export function setAssetTags(db: Database, assetId: string, edit: TagEdit, now = Date.now()): AssetTag[] {
  requireAssetRow(db, assetId);
  const upsert = db.prepare(
    `INSERT INTO asset_tags (asset_id, tag, tag_group, confidence, source, removed, created_at)
     VALUES (@assetId, @tag, COALESCE((SELECT tag_group FROM asset_tags WHERE asset_id = @assetId AND tag = @tag), 'custom'), NULL, 'user', @removed, @now)
     ON CONFLICT(asset_id, tag) DO UPDATE SET source = 'user', confidence = NULL, removed = excluded.removed, created_at = excluded.created_at`,
  );
  db.transaction(() => {
    for (const raw of edit.add ?? []) {
      const tag = normaliseTag(raw);
      if (!tag) throw new AppError('BadInput', 'empty tag');
      upsert.run({ assetId, tag, removed: 0, now });
    }
    for (const raw of edit.remove ?? []) {
      const tag = normaliseTag(raw);
      if (tag) upsert.run({ assetId, tag, removed: 1, now });
    }
    refreshFts(db, assetId);
  })();
  return getAssetTags(db, assetId);
}

/** Drops a user override (add or tombstone) so automatic tagging owns that tag again. */
export function clearTagOverride(db: Database, assetId: string, tag: string): void {
  db.transaction(() => {
    db.prepare(`DELETE FROM asset_tags WHERE asset_id = ? AND tag = ? AND source = 'user'`).run(assetId, normaliseTag(tag));
    refreshFts(db, assetId);
  })();
}

/** User category override; null hands the category back to the automatic tagger. */
export function overrideCategory(db: Database, assetId: string, category: string | null, now = Date.now()): void {
  requireAssetRow(db, assetId);
  if (category === null) {
    db.prepare('UPDATE assets SET category = auto_category, category_user = 0, updated_at = ? WHERE id = ?').run(now, assetId);
  } else {
    const c = normaliseTag(category);
    if (!c) throw new AppError('BadInput', 'empty category');
    db.prepare('UPDATE assets SET category = ?, category_user = 1, updated_at = ? WHERE id = ?').run(c, now, assetId);
  }
}

export interface AutoTagging {
  source: Exclude<TagSource, 'user'>;
  tags: { tag: string; group: TagGroup; confidence: number }[];
  category: string | null;
  subcategories: string[];
}

/**
 * Replaces the automatic tags of an asset. User rows (added tags and tombstones) are left
 * exactly as they are, and a user category is kept: re-tagging never clobbers overrides.
 */
export function applyAutoTags(db: Database, assetId: string, t: AutoTagging, now = Date.now()): void {
  requireAssetRow(db, assetId);
  const insert = db.prepare(
    `INSERT INTO asset_tags (asset_id, tag, tag_group, confidence, source, removed, created_at)
     VALUES (?, ?, ?, ?, ?, 0, ?) ON CONFLICT(asset_id, tag) DO NOTHING`,
  );
  db.transaction(() => {
    db.prepare(`DELETE FROM asset_tags WHERE asset_id = ? AND source <> 'user'`).run(assetId);
    for (const tag of t.tags) insert.run(assetId, normaliseTag(tag.tag), tag.group, tag.confidence, t.source, now);
    const category = t.category ? normaliseTag(t.category) : null;
    db.prepare(
      `UPDATE assets SET auto_category = ?, category = CASE WHEN category_user = 1 THEN category ELSE ? END,
         subcategories = ?, tagged_at = ?, updated_at = ? WHERE id = ?`,
    ).run(category, category, JSON.stringify(t.subcategories.map(normaliseTag)), now, now, assetId);
    refreshFts(db, assetId);
  })();
}

/** A new version inherits the user's overrides (tags, tombstones, category) from the one it replaces. */
export function copyUserOverrides(db: Database, fromId: string, toId: string): void {
  db.prepare(
    `INSERT INTO asset_tags (asset_id, tag, tag_group, confidence, source, removed, created_at)
     SELECT ?, tag, tag_group, confidence, source, removed, created_at FROM asset_tags WHERE asset_id = ? AND source = 'user'
     ON CONFLICT(asset_id, tag) DO NOTHING`,
  ).run(toId, fromId);
  db.prepare(
    `UPDATE assets SET category = (SELECT category FROM assets WHERE id = @from), category_user = 1
     WHERE id = @to AND (SELECT category_user FROM assets WHERE id = @from) = 1`,
  ).run({ from: fromId, to: toId });
}
