import type { Database } from 'better-sqlite3';
import type { RgbImage } from '../../workers/image/rgb-image.ts';
import { AppError } from '../core/app-error.ts';
import type { Embedder } from '../inference/embedder.ts';
import { ASSET_COLUMNS, rowToAsset, type AssetRow } from './asset-row.ts';
import type { Asset, AssetState } from './asset-types.ts';
import { getEmbedding, normalise } from './embeddings-repo.ts';
import { getSimilarityIndex, scoreAll, stateAllowed } from './similarity-index.ts';
import { topK } from './top-k.ts';

export interface SimilarQuery {
  /** Query by a stored asset (it comes back first, score ≈ 1) ... */
  assetId?: string;
  /** ... or by a vector from the same model (e.g. a dropped image, see similarToImage). */
  vector?: Float32Array;
  /** Required with `vector`; with assetId defaults to the asset's embedding model. */
  modelId?: string;
  k?: number;
  /** Default: active and archived. */
  states?: AssetState[];
}

export interface SimilarHit {
  asset: Asset;
  /** Cosine similarity, -1..1. */
  score: number;
}

/** Top-k current assets by CLIP cosine: brute-force dot product over the cached matrix. */
export function similarAssets(db: Database, q: SimilarQuery): SimilarHit[] {
  let query: Float32Array;
  let modelId: string;
  if (q.assetId) {
    const e = getEmbedding(db, q.assetId, q.modelId);
    if (!e) throw new AppError('NotFound', `asset ${q.assetId} has no stored embedding${q.modelId ? ` for model ${q.modelId}` : ''}`);
    query = e.vector;
    modelId = e.modelId;
  } else if (q.vector) {
    if (!q.modelId) throw new AppError('BadInput', 'similarity by vector needs the modelId that produced it');
    query = normalise(q.vector);
    modelId = q.modelId;
  } else throw new AppError('BadInput', 'similarity needs an assetId or a vector');

  const index = getSimilarityIndex(db, modelId);
  if (index.ids.length === 0) return [];
  if (query.length !== index.dim) throw new AppError('BadInput', `query has ${query.length} dims, index for ${modelId} has ${index.dim}`);
  const k = Math.min(Math.max(1, Math.trunc(q.k ?? 20)), 1000);
  const hits = topK(scoreAll(index, query), k, stateAllowed(index, q.states ?? ['active', 'archived']));
  const byId = db.prepare(`SELECT ${ASSET_COLUMNS} FROM assets a WHERE a.id = ?`);
  return hits.flatMap((h) => {
    const row = byId.get(index.ids[h.index]) as AssetRow | undefined;
    return row ? [{ asset: rowToAsset(row), score: h.score }] : [];
  });
}

/** "Drop an image": embed it with the same CLIP model, then search. */
export async function similarToImage(
  db: Database,
  embedder: Embedder,
  image: RgbImage,
  opts: Omit<SimilarQuery, 'assetId' | 'vector' | 'modelId'> = {},
): Promise<SimilarHit[]> {
  const [vector] = await embedder.embedImages([image]);
  if (!vector) throw new AppError('Inference', 'embedder returned no image embedding');
  return similarAssets(db, { ...opts, vector, modelId: embedder.modelId });
}
