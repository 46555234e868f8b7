import type { Migration } from '../migration.ts';

/**
 * Bring-your-own-style weights:
 * - loras: imported LoRA files (copied into the data folder), their trigger words and hash;
 * - lora_variants: the cache of packs with LoRAs baked in, keyed by (pack, LoRAs, scales), for
 *   size-limited LRU eviction;
 * - assets.model_hash / assets.loras: the recipe's checkpoint hash and LoRAs, for library filters.
 */
export const migration014: Migration = {
  id: 14,
  name: 'style-weights',
  up(db) {
    db.exec(`
      CREATE TABLE loras (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        rel_path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        layers INTEGER NOT NULL,
        trigger_words TEXT NOT NULL DEFAULT '[]',
        base_model TEXT,
        imported_at INTEGER NOT NULL
      );
      CREATE TABLE lora_variants (
        key TEXT PRIMARY KEY,
        pack_id TEXT NOT NULL,
        loras TEXT NOT NULL,
        rel_dir TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER NOT NULL
      );
      ALTER TABLE assets ADD COLUMN model_hash TEXT;
      ALTER TABLE assets ADD COLUMN loras TEXT;
      CREATE INDEX assets_by_model ON assets(model);
    `);
  },
};
