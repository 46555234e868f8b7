import sharp from 'sharp';
import type { AppServices } from '../api/app-services.ts';
import { createPipeline, type PipelineEngine } from '../pipeline/engine.ts';
import { createRealStages, type RealStages } from '../pipeline/wiring.ts';
import type { BatchRecord } from '../pipeline/types.ts';
import type { BatchStages } from '../pipeline/stages.ts';
import { getTask } from '../pipeline/ledger-api.ts';
import { taskStats, taskSummaryDto } from '../api/dto/pipeline-dto.ts';
import type { BatchFeed } from '../api/batch-feed.ts';
import { metricsSnapshot } from './metrics-snapshot.ts';
import { loadSettings } from '../settings/app-settings.ts';
import { DEFAULT_ALERTS } from '../pipeline/alerts.ts';
import { packDirForLoras } from '../style-weights/batch-pack.ts';
import { startDistributedRuntime } from './distributed-runtime.ts';
import { MAX_IN_FLIGHT } from '../distributed/distributed-config.ts';
import type { RgbImage } from '../../workers/image/rgb-image.ts';

/**
 * Runs the pipeline engine inside the app (Electron or `assetql serve`) and forwards its
 * events to the renderer through the event bus. Stages are built per SDXL pack (from the
 * batch's saved config) over the shared worker pool, so two batches on one pack share sessions.
 */
export async function startPipelineRuntime(s: AppServices, feed: BatchFeed, opts: { start: boolean; distributed?: { redisUrl: string; storeUrl: string } | null }): Promise<PipelineEngine> {
  const stagesByPack = new Map<string, Promise<RealStages>>();

  const resolve = async (batch: BatchRecord): Promise<BatchStages> => {
    const base = s.inference.resolveSdxlPack(batch.config.packId);
    // LoRAs run as a cached pack variant with their weights baked in (full GPU speed).
    const pack = { ...base, dir: await packDirForLoras(s.app.db, s.app.dataDir, base, batch.config.loras) };
    const clip = s.inference.clipPack();
    const key = `${pack.dir}|${clip?.dir ?? ''}`;
    let real = stagesByPack.get(key);
    if (!real) {
      real = s.inference.pool().then((pool) => createRealStages({ db: s.app.db, dataDir: s.app.dataDir, pool, packDir: pack.dir, clipPackDir: clip?.dir ?? null, previews: true }));
      real.catch(() => stagesByPack.delete(key));
      stagesByPack.set(key, real);
    }
    return (await real).resolve(batch);
  };

  const settings = loadSettings(s.app.db);
  // Coordinator role (Settings → Distributed or serve --redis/--store): generation goes to the
  // queues. The switch applies later Settings changes live; the engine has loops for the largest
  // in-flight setting and the switch caps them (1 while generating locally).
  const sw = opts.start ? await startDistributedRuntime(s, opts.distributed ?? null) : null;
  const packDirFor = (batch: BatchRecord): string => s.inference.resolveSdxlPack(typeof batch.config['packId'] === 'string' ? (batch.config['packId'] as string) : null).dir;
  const engine = createPipeline({
    db: s.app.db,
    stages: sw ? sw.resolver(resolve, { packDirFor, clipPackDir: s.inference.clipPack()?.dir ?? null, dataDir: s.app.dataDir }) : resolve,
    config: {
      alerts: { ...DEFAULT_ALERTS, costUsd: settings.alerts.costUsd },
      ...(sw ? { generateConcurrency: MAX_IN_FLIGHT, generateSlots: () => sw.slots(), validateQueueSize: 16 } : {}),
    },
  });
  sw?.attach(engine);

  engine.on('task-state', (e) => {
    // The grid's tile goes out with its batch's next push (with the counts, one snapshot);
    // 'task.updated' at once is for views of this one row (task drawer, review queue).
    feed.taskChanged(e.batchId, e.taskId);
    const t = getTask(s.app.db, e.taskId);
    if (t) s.bus.emit('task.updated', taskSummaryDto(t, taskStats(s.app.db, t.id), s.fileUrl));
  });
  engine.on('task-progress', (e) => {
    void previewDataUrl(e.preview).then((previewUrl) =>
      s.bus.emit('task.progress', { taskId: e.taskId, batchId: e.batchId, step: e.step, steps: e.steps, previewUrl }),
    );
  });
  const emitBatch = (batchId: string): void => void feed.publish(batchId);
  engine.on('batch-state', (e) => emitBatch(e.batchId));
  let lastMetrics = 0;
  engine.on('batch-progress', (e) => {
    emitBatch(e.batchId);
    // The dashboard needs a fresh snapshot about once a second, not on every task.
    if (Date.now() - lastMetrics > 1000) {
      lastMetrics = Date.now();
      s.bus.emit('metrics.updated', metricsSnapshot(s, null));
    }
  });
  engine.on('alert', (a) =>
    s.bus.emit('alert.raised', { id: `${a.kind}:${a.batchId ?? 'all'}`, level: a.kind === 'error-rate' || a.kind === 'cost' ? 'critical' : 'warning', message: a.message, batchId: a.batchId, at: new Date(a.at).toISOString() }),
  );

  // Engine-level problems (a paused batch, a stage that could not be built) reach the UI as a toast and the batch banner.
  engine.on('engine-error', (e) => s.bus.emit('engine.error', { message: e.message, kind: e.kind, batchId: e.batchId ?? null, at: new Date(e.at).toISOString() }));

  if (opts.start) await engine.start();
  s.onClose(async () => {
    if (opts.start) await engine.stop();
    for (const p of stagesByPack.values()) await (await p.catch(() => null))?.dispose();
  });
  return engine;
}

async function previewDataUrl(preview: RgbImage | undefined): Promise<string | null> {
  if (!preview) return null;
  const png = await sharp(Buffer.from(preview.data.buffer, preview.data.byteOffset, preview.data.byteLength), {
    raw: { width: preview.width, height: preview.height, channels: 3 },
  })
    .resize({ width: 128, height: 128, fit: 'inside', kernel: 'nearest' })
    .png({ compressionLevel: 1 })
    .toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}
