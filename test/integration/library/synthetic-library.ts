import type { Database } from 'better-sqlite3';
import { vectorToBlob } from '../../../main/library/embeddings-repo.ts';

/**
 * Fills a library database with synthetic asset rows (no files): tags, FTS rows and optional
 * embeddings, in one transaction. Shared by the search-plan tests and the 100k benchmark.
 */
export const SUBJECTS = ['cat', 'dog', 'rocket', 'coffee', 'teapot', 'sneaker', 'castle', 'robot', 'forest', 'lighthouse', 'dragon', 'bicycle', 'guitar', 'mountain', 'harbour', 'tiger', 'owl', 'cupcake', 'lantern', 'spaceship'];
export const STYLES = ['watercolour', 'isometric', 'flat vector', 'pixel art', 'oil painting', 'low poly', 'cinematic', 'studio photo', 'line art', 'pastel'];
export const COLOURS = ['red', 'blue', 'green', 'golden', 'teal', 'purple', 'orange', 'monochrome'];
export const MOODS = ['calm', 'dramatic', 'playful', 'eerie', 'cosy', 'epic'];
export const CATEGORIES = ['product shot', 'landscape', 'character', 'icon', 'texture', 'interior', 'food', 'vehicle'];
export const SYNTHETIC_T0 = Date.UTC(2025, 0, 1);

export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticRow {
  id: string;
  batchId: string;
  name: string;
  prompt: string;
  category: string;
  tags: string[];
  styleScore: number | null;
  state: 'active' | 'archived' | 'deleted';
  createdAt: number;
}

export interface SyntheticOptions {
  n: number;
  batches?: number;
  /** 0: no embeddings. */
  dim?: number;
  modelId?: string;
  seed?: number;
  /** Row index whose embedding is returned as `probe`. */
  probeRow?: number;
}

export function fillSyntheticLibrary(db: Database, opts: SyntheticOptions): { rows: SyntheticRow[]; probe: Float32Array | null } {
  const r = mulberry32(opts.seed ?? 42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const batches = opts.batches ?? 20;
  const dim = opts.dim ?? 0;
  const insAsset = db.prepare(
    `INSERT INTO assets (id, lineage_id, version, batch_id, name, rel_path, file_size, width, height, sha256, prompt, params,
       seed, model, style_score, category, auto_category, state, created_at, updated_at, deleted_at)
     VALUES (?, ?, 1, ?, ?, ?, 1500000, 1024, 1024, '', ?, '{}', ?, 'sdxl', ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insTag = db.prepare(`INSERT OR IGNORE INTO asset_tags (asset_id, tag, tag_group, confidence, source, created_at) VALUES (?, ?, 'objects', 0.5, 'clip', ?)`);
  const insFts = db.prepare('INSERT INTO assets_fts (rowid, name, prompt, tags) VALUES (?, ?, ?, ?)');
  const insEmb = db.prepare('INSERT INTO asset_embeddings (asset_id, model_id, dim, vector) VALUES (?, ?, ?, ?)');
  const rows: SyntheticRow[] = [];
  let probe: Float32Array | null = null;
  const vec = new Float32Array(dim);
  db.transaction(() => {
    for (let b = 0; b < batches; b++) {
      db.prepare(`INSERT OR IGNORE INTO batches (id, name, config, created_at, updated_at) VALUES (?, ?, '{}', 0, 0)`).run(`batch-${b}`, `Batch ${b}`);
    }
    for (let i = 0; i < opts.n; i++) {
      const id = `asset-${i.toString().padStart(6, '0')}`;
      const subject = pick(SUBJECTS);
      const style = pick(STYLES);
      const colour = pick(COLOURS);
      const mood = pick(MOODS);
      const category = pick(CATEGORIES);
      const u = r();
      const state = u < 0.85 ? 'active' : u < 0.95 ? 'archived' : 'deleted';
      const score = r() < 0.05 ? null : Math.round(r() * 1000) / 1000;
      // Several rows share a timestamp so keyset tiebreaks on id are exercised.
      const row: SyntheticRow = {
        id,
        batchId: `batch-${i % batches}`,
        name: `${colour} ${subject} ${i}`,
        prompt: `a ${mood} ${style} illustration of a ${colour} ${subject}, highly detailed, brand palette`,
        category,
        tags: [subject, style, colour, mood, category],
        styleScore: score,
        state,
        createdAt: SYNTHETIC_T0 + Math.floor(i / 3) * 60_000,
      };
      const res = insAsset.run(id, id, row.batchId, row.name, `raw/${row.batchId}/${id}.png`, row.prompt, i, score, category, category, state, row.createdAt, row.createdAt, state === 'deleted' ? row.createdAt : null);
      for (const t of row.tags) insTag.run(id, t, row.createdAt);
      insFts.run(res.lastInsertRowid, row.name, row.prompt, row.tags.join(' '));
      if (dim > 0) {
        let s = 0;
        for (let d = 0; d < dim; d++) {
          const x = r() - 0.5;
          vec[d] = x;
          s += x * x;
        }
        const inv = 1 / Math.sqrt(s);
        for (let d = 0; d < dim; d++) vec[d]! *= inv;
        if (i === opts.probeRow) probe = vec.slice();
        insEmb.run(id, opts.modelId ?? 'synthetic', dim, vectorToBlob(vec));
      }
      rows.push(row);
    }
  })();
  return { rows, probe };
}
