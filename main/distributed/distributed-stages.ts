import type { Database } from 'better-sqlite3';
import type { RgbImage } from '../../workers/image/rgb-image.ts';
import { AppError } from '../core/app-error.ts';
import type { DataDir } from '../core/data-dir.ts';
import { getProfile } from '../dna/profile-repo.ts';
import type { StageResolver, StoreStage, ValidateStage } from '../pipeline/stages.ts';
import type { BatchRecord } from '../pipeline/types.ts';
import { getLora } from '../style-weights/lora-registry.ts';
import { passedAttemptProducer } from './attempt-producer.ts';
import type { CoordinatorHub } from './coordinator-hub.ts';
import type { VariantLora, WorkerValidation } from './job-types.ts';
import { canonicalLoras, clipPackIdentity, packIdentity, variantLoraKey, variantQueueName, type ClipPackIdentity } from './pack-identity.ts';
import { remoteGenerate, type RemoteValidate } from './remote-generate.ts';
import { SharedObjects } from './shared-objects.ts';

export interface DistributedStageOptions {
  /** The batch's BASE pack folder: its LoRAs are named in the job's variant and baked by workers. */
  packDirFor: (batch: BatchRecord) => string;
  /** This coordinator's CLIP pack (the one its validate stage embeds with): workers holding the same one embed and score. */
  clipPackDir?: string | null;
  /** Data folder whose LoRA registry names the batch's LoRA files. */
  dataDir?: Pick<DataDir, 'root'>;
}

/**
 * Wraps the local stage resolver for a coordinator: generation goes to the batch's pack-variant
 * queue (base pack content hash + LoRA content hashes and scales); validate, archive, store and
 * post stages stay the local ones (the ledger and library live here). When a worker holding this
 * coordinator's CLIP pack already measured the image, validate takes that measurement (same code,
 * same weights) instead of running the CLIP image encoder again; the pass decision stays here.
 * The store stage adds the producing worker and provider to the recipe.
 */
export function distributedStages(inner: StageResolver, hub: CoordinatorHub, opts: DistributedStageOptions | ((batch: BatchRecord) => string)): StageResolver {
  const o: DistributedStageOptions = typeof opts === 'function' ? { packDirFor: opts } : opts;
  const shared = new SharedObjects(hub.store);
  return async (batch) => {
    const stages = await inner(batch);
    const pack = await packIdentity(o.packDirFor(batch));
    const loras = await batchLoras(hub.db, o.dataDir, batch, shared);
    const loraKey = variantLoraKey(loras);
    const clip = o.clipPackDir ? await clipPackIdentity(o.clipPackDir) : null;
    const validate = clip && batch.profileId ? { clip, profileKey: await shared.profile(getProfile(hub.db, batch.profileId, batch.profileVersion ?? undefined)) } : null;
    const measured = new WeakMap<RgbImage, WorkerValidation>();
    return {
      ...stages,
      generate: remoteGenerate({
        hub,
        pack,
        loraKey,
        loras,
        queueName: variantQueueName(pack.packId, pack.hash, loraKey),
        modelId: stages.generate.modelId,
        // IP-Adapter needs the profile's CLIP centroid, which workers do not have: rung 3 uses img2img.
        capabilities: { ipAdapter: false, img2img: stages.generate.capabilities.img2img },
        ...(validate ? { validate: toRemoteValidate(validate.clip, validate.profileKey), onValidation: (image, v) => measured.set(image, v) } : {}),
      }),
      validate: clip ? withWorkerMeasurement(stages.validate, clip, measured) : stages.validate,
      store: withProducer(stages.store, hub.db),
    };
  };
}

function toRemoteValidate(clip: ClipPackIdentity, profileKey: string): RemoteValidate {
  return { clipPackId: clip.packId, clipPackHash: clip.hash, profileKey };
}

/** The batch's LoRAs by content (canonical order), each file put in the store once for workers. */
async function batchLoras(db: Database, dataDir: Pick<DataDir, 'root'> | undefined, batch: BatchRecord, shared: SharedObjects): Promise<VariantLora[]> {
  const picks = batch.config.loras ?? [];
  if (picks.length === 0) return [];
  if (!dataDir) throw new AppError('Internal', 'a LoRA batch on a coordinator needs the data folder (LoRA registry)');
  const recs = picks.map((p) => ({ rec: getLora(db, dataDir, p.id), scale: p.scale }));
  await Promise.all(recs.map((r) => shared.lora(r.rec)));
  return canonicalLoras(recs.map((r) => ({ sha256: r.rec.sha256, scale: r.scale, name: r.rec.name, bytes: r.rec.bytes })));
}

function withWorkerMeasurement(inner: ValidateStage, clip: ClipPackIdentity, measured: WeakMap<RgbImage, WorkerValidation>): ValidateStage {
  return {
    validate(image, ctx) {
      const w = measured.get(image);
      // Only a measurement made with this coordinator's own CLIP pack (id and content) is taken.
      if (!w || w.clipPackId !== clip.packId || w.clipPackHash !== clip.hash) return inner.validate(image, ctx);
      if (ctx.timings) {
        ctx.timings['validateOnWorker'] = w.ms;
        ctx.timings['workerClipEmbed'] = w.embedMs;
      }
      return inner.validate(image, { ...ctx, precomputed: { scores: w.scores, embedding: w.embedding ? Float32Array.from(w.embedding) : null, clipModelId: w.clipModelId } });
    },
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
