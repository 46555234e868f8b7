import type { RgbImage } from '../../workers/image/rgb-image.ts';
import type { StyleProfile } from '../dna/style-profile.ts';
import { createClipEmbedder } from '../inference/clip-embedder.ts';
import type { Embedder } from '../inference/embedder.ts';
import type { WorkerPool } from '../inference/worker-pool.ts';
import { measureStyle } from '../pipeline/adapters/dna-validate.ts';
import type { JobValidate, WorkerValidation } from './job-types.ts';
import type { ClipPackIdentity } from './pack-identity.ts';
import { getVerified, profileFromWire } from './shared-objects.ts';
import type { WorkStore } from './work-store.ts';

export interface WorkerValidator {
  /** CLIP packs this worker can measure with. */
  readonly packs: readonly ClipPackIdentity[];
  /** The engine's validate measurement of the image, or null when this worker lacks the job's CLIP pack. */
  measure(image: RgbImage, v: JobValidate): Promise<WorkerValidation> | null;
}

/**
 * Embeds and scores on the worker with the engine's own measurement (measureStyle), the job's
 * profile read once from the store (content-addressed, verified) and the CLIP pack matched by
 * id and content hash, so the numbers are the ones the coordinator would have computed.
 */
export function createWorkerValidator(o: { store: WorkStore; pool: WorkerPool; packs: ClipPackIdentity[] }): WorkerValidator {
  const embedders = new Map<string, Promise<Embedder>>();
  const profiles = new Map<string, Promise<StyleProfile>>();
  const embedderFor = (p: ClipPackIdentity): Promise<Embedder> => {
    let e = embedders.get(p.hash);
    if (!e) {
      e = createClipEmbedder(o.pool, p.dir);
      e.catch(() => embedders.delete(p.hash));
      embedders.set(p.hash, e);
    }
    return e;
  };
  const profileFor = (key: string): Promise<StyleProfile> => {
    let p = profiles.get(key);
    if (!p) {
      const sha = /([0-9a-f]{64})\.json$/.exec(key)?.[1] ?? '';
      p = getVerified(o.store, key, sha).then(profileFromWire);
      p.catch(() => profiles.delete(key));
      profiles.set(key, p);
    }
    return p;
  };
  return {
    packs: o.packs,
    measure(image, v) {
      const pack = o.packs.find((p) => p.packId === v.clipPackId && p.hash === v.clipPackHash);
      if (!pack) return null;
      return (async () => {
        const t0 = performance.now();
        const [embedder, profile] = await Promise.all([embedderFor(pack), profileFor(v.profileKey)]);
        const m = await measureStyle(image, profile, embedder, v.requested);
        return {
          clipPackId: pack.packId,
          clipPackHash: pack.hash,
          clipModelId: embedder.modelId,
          scores: m.scores,
          embedding: m.embedding ? Array.from(m.embedding) : null,
          embedMs: m.embedMs,
          ms: performance.now() - t0,
        };
      })();
    },
  };
}
