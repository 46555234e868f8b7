import type { Database } from 'better-sqlite3';
import { libraryFacets } from './library-facets.ts';

export interface LibraryStats {
  /** Current versions by lifecycle state. */
  active: number;
  archived: number;
  deleted: number;
  /** Every retained version, current or not. */
  versions: number;
  bytes: number;
  withEmbedding: number;
  untagged: number;
  categories: { category: string; count: number }[];
  topTags: { tag: string; count: number }[];
  /** Recipe checkpoints and LoRAs (what `search --model/--lora` and the Library's filters take). */
  checkpoints: { name: string; count: number }[];
  loras: { name: string; count: number }[];
}

export function libraryStats(db: Database): LibraryStats {
  const byState = db
    .prepare(`SELECT state, count(*) AS n FROM assets WHERE is_current = 1 GROUP BY state`)
    .all() as { state: string; n: number }[];
  const n = (s: string): number => byState.find((r) => r.state === s)?.n ?? 0;
  const totals = db.prepare('SELECT count(*) AS versions, IFNULL(SUM(file_size), 0) AS bytes FROM assets').get() as {
    versions: number;
    bytes: number;
  };
  const withEmbedding = (
    db
      .prepare(`SELECT count(DISTINCT e.asset_id) AS n FROM asset_embeddings e JOIN assets a ON a.id = e.asset_id WHERE a.is_current = 1`)
      .get() as { n: number }
  ).n;
  const untagged = (db.prepare(`SELECT count(*) AS n FROM assets WHERE is_current = 1 AND tagged_at IS NULL`).get() as { n: number }).n;
  const categories = db
    .prepare(
      `SELECT category, count(*) AS count FROM assets WHERE is_current = 1 AND state <> 'deleted' AND category IS NOT NULL
       GROUP BY category ORDER BY count DESC, category LIMIT 50`,
    )
    .all() as { category: string; count: number }[];
  const topTags = db
    .prepare(
      `SELECT t.tag, count(*) AS count FROM asset_tags t JOIN assets a ON a.id = t.asset_id
       WHERE t.removed = 0 AND a.is_current = 1 AND a.state <> 'deleted' GROUP BY t.tag ORDER BY count DESC, t.tag LIMIT 50`,
    )
    .all() as { tag: string; count: number }[];
  const { models: checkpoints, loras } = libraryFacets(db);
  return { active: n('active'), archived: n('archived'), deleted: n('deleted'), ...totals, withEmbedding, untagged, categories, topTags, checkpoints, loras };
}
