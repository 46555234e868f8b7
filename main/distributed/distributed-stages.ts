import type { Database } from 'better-sqlite3';
import type { StageResolver, StoreStage } from '../pipeline/stages.ts';
import type { BatchRecord } from '../pipeline/types.ts';
import { passedAttemptProducer } from './attempt-producer.ts';
import type { CoordinatorHub } from './coordinator-hub.ts';
import { loraSetKey, packIdentity, variantQueueName } from './pack-identity.ts';
import { remoteGenerate } from './remote-generate.ts';

/**
 * Wraps the local stage resolver for a coordinator: generation goes to the batch's pack-variant
 * queue; validate, archive, store and post stages stay the local ones (the ledger and library
 * live here). The store stage adds the producing worker and provider to the recipe.
 */
export function distributedStages(inner: StageResolver, hub: CoordinatorHub, packDirFor: (batch: BatchRecord) => string): StageResolver {
  return async (batch) => {
    const stages = await inner(batch);
    const pack = await packIdentity(packDirFor(batch));
    const loraKey = loraSetKey(batch.config['loras']);
    return {
      ...stages,
      generate: remoteGenerate({
        hub,
        pack,
        loraKey,
        queueName: variantQueueName(pack.packId, pack.hash, loraKey),
        modelId: stages.generate.modelId,
        // IP-Adapter needs the profile's CLIP centroid, which workers do not have: rung 3 uses img2img.
        capabilities: { ipAdapter: false, img2img: stages.generate.capabilities.img2img },
      }),
      store: withProducer(stages.store, hub.db),
    };
  };
}

function withProducer(inner: StoreStage, db: Database): StoreStage {
  return {
    store: (input) => {
      const p = passedAttemptProducer(db, input.task.id);
      const params = p?.worker ? { ...input.params, worker: p.host ? `${p.worker} (${p.host})` : p.worker, provider: p.provider ?? 'unknown' } : input.params;
      return inner.store({ ...input, params });
    },
  };
}
