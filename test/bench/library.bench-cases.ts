import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { resolveDataDir, type DataDir } from '../../main/core/data-dir.ts';
import { openDatabase, type Database } from '../../main/db/database.ts';
import { fillSyntheticLibrary } from '../integration/library/synthetic-library.ts';
import { searchAssets } from '../../main/library/search-assets.ts';
import { similarAssets } from '../../main/library/similar-assets.ts';
import { getSimilarityIndex } from '../../main/library/similarity-index.ts';
import { makeThumbnail } from '../../main/library/thumbnails.ts';
import { topK } from '../../main/library/top-k.ts';
import { createScoringMatrix } from '../../main/library/dot-scores.ts';

/** The lead's harness shape (defined locally on purpose, see the brief). */
interface BenchCase {
  name: string;
  /** what the ratio compares */
  baseline: string;
  run(): Promise<{ figures: Record<string, number>; notes?: string }>;
}

const N_ASSETS = 100_000;
const DIM = 768;
const MODEL = 'bench-clip-768';

interface Library {
  root: string;
  dataDir: DataDir;
  db: Database;
  buildMs: number;
  queryVector: Float32Array;
}

let shared: Promise<Library> | null = null;

/** 100k synthetic assets (85% active, 10% archived, 5% deleted) with tags, FTS rows and 768-d embeddings, in one transaction. */
function library(): Promise<Library> {
  shared ??= (async () => {
    const t0 = performance.now();
    const root = mkdtempSync(join(tmpdir(), 'assetql-bench-lib-'));
    const dataDir = resolveDataDir(root);
    const db = openDatabase(dataDir.dbPath);
    db.pragma('synchronous = OFF'); // bulk load only; the app keeps FULL
    const { probe } = fillSyntheticLibrary(db, { n: N_ASSETS, dim: DIM, modelId: MODEL, probeRow: 12_345 });
    const queryVector = probe!;
    db.pragma('synchronous = FULL');
    db.exec('ANALYZE');
    return { root, dataDir, db, buildMs: performance.now() - t0, queryVector };
  })();
  return shared;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

function time(fn: () => void, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  return out;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

export const cases: BenchCase[] = [
  {
    name: 'library: FTS query p95 over 100k assets (page of 50 + total)',
    baseline: 'the same text filter as LIKE %term% scans over prompt (what a naive library does)',
    async run() {
      const lib = await library();
      const queries = ['cat', 'rocket water', 'golden drag', 'eerie owl', 'isometric castle', 'pastel cup', 'teal robot', 'cosy lantern', 'spaceship', 'monochrome tig'];
      for (const q of queries) searchAssets(lib.db, { text: q, limit: 50 }); // warm statement cache
      const fts = time(() => {
        for (const q of queries) searchAssets(lib.db, { text: q, limit: 50 });
      }, 20).map((t) => t / queries.length);
      const pageOnly = time(() => {
        for (const q of queries) searchAssets(lib.db, { text: q, limit: 50, withTotal: false });
      }, 20).map((t) => t / queries.length);
      const like = lib.db.prepare(`SELECT id FROM assets WHERE is_current = 1 AND prompt LIKE ? AND prompt LIKE ? ORDER BY created_at DESC LIMIT 50`);
      const naive = time(() => {
        for (const q of queries) {
          const [a, b] = q.split(' ');
          like.all(`%${a}%`, `%${b ?? ''}%`);
        }
      }, 3).map((t) => t / queries.length);
      const p95 = percentile(fts, 95);
      return {
        figures: {
          assets: N_ASSETS,
          build_ms: round(lib.buildMs),
          fts_p50_ms: round(percentile(fts, 50)),
          fts_p95_ms: round(p95),
          fts_page_only_p95_ms: round(percentile(pageOnly, 95)),
          goal_ms: 5,
          baseline_like_p95_ms: round(percentile(naive, 95)),
          ratio_vs_baseline: round(p95 / percentile(naive, 95)),
        },
        notes: 'times are per query, averaged over 10 queries per sample, 20 samples; total = count(*) of all matches',
      };
    },
  },
  {
    name: 'library: filtered + sorted page p95 (category, tag, score range; keyset page 20 deep)',
    baseline: 'the same page reached with OFFSET pagination',
    async run() {
      const lib = await library();
      const base = { category: 'landscape', minScore: 0.2, maxScore: 0.9, sort: 'score' as const, limit: 50, withTotal: false };
      const walk = (tags: string[] | undefined): number[] => {
        const out: number[] = [];
        let cursor: string | undefined;
        for (let p = 0; p < 20; p++) {
          const t = performance.now();
          const page = searchAssets(lib.db, { ...base, ...(tags ? { tags } : {}), ...(cursor ? { cursor } : {}) });
          out.push(performance.now() - t);
          cursor = page.nextCursor ?? undefined;
          if (!cursor) break;
        }
        return out;
      };
      walk(undefined);
      const pages = [...walk(undefined), ...walk(['dragon']), ...walk(['dragon', 'calm']), ...walk(undefined)];
      const withTotal = time(() => searchAssets(lib.db, { ...base, withTotal: true }), 20);
      const offsetStmt = lib.db.prepare(
        `SELECT a.* FROM assets a WHERE a.is_current = 1 AND a.state IN ('active','archived') AND a.category = ? AND a.style_score >= ? AND a.style_score <= ?
         ORDER BY a.score_sort DESC, a.id DESC LIMIT 50 OFFSET ?`,
      );
      const offset = time(() => offsetStmt.all('landscape', 0.2, 0.9, 19 * 50), 20);
      const p95 = percentile(pages, 95);
      return {
        figures: {
          page_p50_ms: round(percentile(pages, 50)),
          page_p95_ms: round(p95),
          first_page_with_total_p95_ms: round(percentile(withTotal, 95)),
          goal_ms: 10,
          baseline_offset_page20_p95_ms: round(percentile(offset, 95)),
          ratio_vs_baseline: round(p95 / percentile(offset, 95)),
        },
      };
    },
  },
  {
    name: 'library: visual top-20 over 100k × 768-d embeddings',
    baseline: 'naive JS: scalar dot per row into an array of objects, then a full sort of all scores',
    async run() {
      const lib = await library();
      const t0 = performance.now();
      const index = getSimilarityIndex(lib.db, MODEL);
      const loadMs = performance.now() - t0;
      const q = lib.queryVector;
      for (let i = 0; i < 3; i++) similarAssets(lib.db, { vector: q, modelId: MODEL, k: 20 });
      const ours = time(() => similarAssets(lib.db, { vector: q, modelId: MODEL, k: 20 }), 20);
      const hits = similarAssets(lib.db, { vector: q, modelId: MODEL, k: 20 });
      const naive = time(() => {
        const scores: { i: number; s: number }[] = [];
        const m = index.scoring.matrix;
        for (let r = 0; r < index.ids.length; r++) {
          let s = 0;
          for (let d = 0; d < DIM; d++) s += m[r * DIM + d]! * q[d]!;
          scores.push({ i: r, s });
        }
        scores.sort((a, b) => b.s - a.s);
        scores.slice(0, 20);
      }, 5);
      const jsMatrix = createScoringMatrix(index.ids.length, DIM, { simd: false });
      jsMatrix.matrix.set(index.scoring.matrix);
      const jsScan = time(() => topK(jsMatrix.score(q), 20), 5);
      const heapOnly = time(() => topK(new Float32Array(index.ids.length).map((_, i) => (i * 7919) % 1000), 20), 5);
      const p95 = percentile(ours, 95);
      return {
        figures: {
          vectors: index.ids.length,
          dim: index.dim,
          index_load_ms: round(loadMs),
          top20_p50_ms: round(percentile(ours, 50)),
          top20_p95_ms: round(p95),
          goal_ms: 50,
          heap_only_ms: round(percentile(heapOnly, 50)),
          simd: index.scoring.simd ? 1 : 0,
          js_unrolled_scan_p95_ms: round(percentile(jsScan, 95)),
          baseline_naive_p95_ms: round(percentile(naive, 95)),
          ratio_vs_baseline: round(p95 / percentile(naive, 95)),
          self_is_first: hits[0]?.asset.id === 'asset-012345' ? 1 : 0,
        },
        notes: 'includes loading the 20 result rows; single thread',
      };
    },
  },
  {
    name: 'library: thumbnails per second per core (256×256 JPEG q80 from a 1024×1024 PNG)',
    baseline: 'sharp decode-only of the same PNG to raw pixels, concurrency 1',
    async run() {
      const previous = sharp.concurrency();
      sharp.concurrency(1);
      try {
        const png = await sharp(resolve(process.cwd(), '../shared/data/images/astronaut.png')).resize(1024, 1024, { fit: 'cover' }).png().toBuffer();
        const n = 30;
        await makeThumbnail(png);
        let t = performance.now();
        for (let i = 0; i < n; i++) await makeThumbnail(png);
        const thumbSec = (performance.now() - t) / 1000;
        t = performance.now();
        for (let i = 0; i < n; i++) await sharp(png).raw().toBuffer();
        const decodeSec = (performance.now() - t) / 1000;
        return {
          figures: {
            thumbs_per_s: round(n / thumbSec),
            decode_only_per_s: round(n / decodeSec),
            ratio_vs_baseline: round(n / thumbSec / (n / decodeSec)),
            source_bytes: png.length,
          },
          notes: 'sharp.concurrency(1): one libvips thread, i.e. per core',
        };
      } finally {
        sharp.concurrency(previous);
      }
    },
  },
];

/** Lets a harness (or a test) drop the 100k-asset database when done. */
export async function disposeBenchLibrary(): Promise<void> {
  if (!shared) return;
  const lib = await shared;
  lib.db.close();
  rmSync(lib.root, { recursive: true, force: true });
  shared = null;
}
