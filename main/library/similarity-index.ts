import type { Database } from 'better-sqlite3';
import type { AssetState } from './asset-types.ts';
import { createScoringMatrix, type ScoringMatrix } from './dot-scores.ts';
import { libraryGeneration } from './library-changes.ts';

const STATE_CODE: Record<AssetState, number> = { active: 0, archived: 1, deleted: 2 };

/** All current, not-deleted embeddings of one model as one row-major matrix. */
export interface SimilarityIndex {
  modelId: string;
  dim: number;
  ids: string[];
  rowOf: Map<string, number>;
  states: Uint8Array;
  scoring: ScoringMatrix;
  generation: string;
}

const caches = new WeakMap<Database, Map<string, SimilarityIndex>>();

/**
 * Loaded lazily on first use and rebuilt when the library generation moves (any write through
 * the library, or a commit from another connection). 100k × 768 floats is ~300 MB, loaded once.
 */
export function getSimilarityIndex(db: Database, modelId: string): SimilarityIndex {
  let perDb = caches.get(db);
  if (!perDb) caches.set(db, (perDb = new Map()));
  const generation = libraryGeneration(db);
  const cached = perDb.get(modelId);
  if (cached && cached.generation === generation) return cached;
  perDb.delete(modelId); // let the old matrix be collected before the new one is built
  const index = loadIndex(db, modelId, generation);
  perDb.set(modelId, index);
  return index;
}

function loadIndex(db: Database, modelId: string, generation: string): SimilarityIndex {
  // One read transaction: the count and the rows come from the same snapshot.
  return db.transaction(() => {
    const { dim } = db.prepare('SELECT IFNULL(MAX(dim), 0) AS dim FROM asset_embeddings WHERE model_id = ?').get(modelId) as { dim: number };
    const stmt = db.prepare(
      `SELECT e.asset_id AS id, e.vector AS v, a.state AS state FROM asset_embeddings e JOIN assets a ON a.id = e.asset_id
       WHERE e.model_id = ? AND a.is_current = 1 AND a.state <> 'deleted' AND e.dim = ?`,
    );
    // Mixed dims for one model id would be a bug upstream; rows of another dim are skipped.
    const rows = (db.prepare(
      `SELECT count(*) AS n FROM asset_embeddings e JOIN assets a ON a.id = e.asset_id
       WHERE e.model_id = ? AND a.is_current = 1 AND a.state <> 'deleted' AND e.dim = ?`,
    ).get(modelId, dim) as { n: number }).n;
    const scoring = createScoringMatrix(rows, dim);
    const bytes = new Uint8Array(scoring.matrix.buffer, scoring.matrix.byteOffset, scoring.matrix.byteLength);
    const ids: string[] = [];
    const states = new Uint8Array(rows);
    const rowOf = new Map<string, number>();
    let r = 0;
    for (const row of stmt.iterate(modelId, dim) as Iterable<{ id: string; v: Buffer; state: AssetState }>) {
      bytes.set(row.v, r * dim * 4);
      ids.push(row.id);
      rowOf.set(row.id, r);
      states[r] = STATE_CODE[row.state];
      r++;
    }
    return { modelId, dim, ids, rowOf, states, scoring, generation };
  })();
}

export function scoreAll(index: SimilarityIndex, query: Float32Array): Float32Array {
  return index.scoring.score(query);
}

export function stateAllowed(index: SimilarityIndex, states: readonly AssetState[]): (row: number) => boolean {
  const allowed = new Uint8Array(3);
  for (const s of states) allowed[STATE_CODE[s]] = 1;
  return (row) => allowed[index.states[row]!] === 1;
}
