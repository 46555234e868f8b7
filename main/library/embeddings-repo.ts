import type { Database } from 'better-sqlite3';
import { AppError } from '../core/app-error.ts';
import { markLibraryChanged } from './library-changes.ts';

/** Copies and L2-normalises so cosine similarity is a plain dot product later. */
export function normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * inv;
  return out;
}

export function vectorToBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

export function blobToVector(b: Buffer): Float32Array {
  // Copy: SQLite buffers are not guaranteed 4-byte aligned.
  const out = new Float32Array(b.length / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

export function putEmbedding(db: Database, assetId: string, modelId: string, vector: Float32Array): void {
  if (vector.length === 0 || vector.some((x) => !Number.isFinite(x))) {
    throw new AppError('BadInput', `embedding for ${assetId} is empty or not finite`);
  }
  db.prepare(
    `INSERT INTO asset_embeddings (asset_id, model_id, dim, vector) VALUES (?, ?, ?, ?)
     ON CONFLICT(asset_id, model_id) DO UPDATE SET dim = excluded.dim, vector = excluded.vector`,
  ).run(assetId, modelId, vector.length, vectorToBlob(normalise(vector)));
  markLibraryChanged(db);
}

export function getEmbedding(db: Database, assetId: string, modelId?: string): { modelId: string; vector: Float32Array } | null {
  const row = (
    modelId
      ? db.prepare('SELECT model_id, vector FROM asset_embeddings WHERE asset_id = ? AND model_id = ?').get(assetId, modelId)
      : db.prepare('SELECT model_id, vector FROM asset_embeddings WHERE asset_id = ? ORDER BY model_id LIMIT 1').get(assetId)
  ) as { model_id: string; vector: Buffer } | undefined;
  return row ? { modelId: row.model_id, vector: blobToVector(row.vector) } : null;
}
