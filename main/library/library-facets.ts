import type { Database } from 'better-sqlite3';

export interface LibraryFacets {
  categories: string[];
  tags: { tag: string; count: number }[];
  batches: { id: string; name: string }[];
  /** Recipe checkpoints (assets.model: pack id or imported checkpoint name), most used first. */
  models: { name: string; count: number }[];
  /** LoRAs baked into recipes (assets.loras, a JSON array of names), most used first. */
  loras: { name: string; count: number }[];
}

/** Cap per list: a filter menu, not a report. */
const MAX = 100;

/**
 * The choices of the Library's filters, from what the library holds (current versions, not
 * deleted), with counts. The values are exactly what searchAssets' filters compare against.
 */
export function libraryFacets(db: Database): LibraryFacets {
  const live = `a.is_current = 1 AND a.state != 'deleted'`;
  const categories = (db.prepare(`SELECT DISTINCT category FROM assets a WHERE ${live} AND category IS NOT NULL ORDER BY category`).all() as { category: string }[]).map((r) => r.category);
  const tags = db.prepare(`SELECT t.tag, count(*) AS count FROM asset_tags t JOIN assets a ON a.id = t.asset_id
    WHERE ${live} AND t.removed = 0 GROUP BY t.tag ORDER BY count DESC, t.tag LIMIT ${MAX}`).all() as { tag: string; count: number }[];
  const batches = db.prepare(`SELECT id, name FROM batches WHERE id IN (SELECT DISTINCT batch_id FROM assets) ORDER BY created_at DESC`).all() as { id: string; name: string }[];
  const models = db.prepare(`SELECT a.model AS name, count(*) AS count FROM assets a WHERE ${live} AND a.model != '' GROUP BY a.model ORDER BY count DESC, a.model LIMIT ${MAX}`).all() as { name: string; count: number }[];
  // A malformed loras column (a hand edit) reads as no LoRAs: skipped, not fatal (json_each would throw).
  const loras = db.prepare(`SELECT j.value AS name, count(*) AS count FROM assets a, json_each(CASE WHEN json_valid(a.loras) THEN a.loras ELSE '[]' END) j
    WHERE ${live} AND a.loras IS NOT NULL AND j.type = 'text' GROUP BY j.value ORDER BY count DESC, j.value LIMIT ${MAX}`).all() as { name: string; count: number }[];
  return { categories, tags, batches, models, loras };
}
