import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext } from '../../../main/core/app-context.ts';
import { getProfile } from '../../../main/dna/profile-repo.ts';
import { getEmbedding } from '../../../main/library/embeddings-repo.ts';
import { measureStyle } from '../../../main/pipeline/adapters/dna-validate.ts';
import type { GenerationParams } from '../../../main/pipeline/types.ts';
import { importLora } from '../../../main/style-weights/lora-registry.ts';
import { listWorkers } from '../../../main/distributed/worker-registry.ts';
import type { SdxlManifest } from '../../../models/manifest.ts';
import { writeSafetensors } from '../../../models/safetensors/write-safetensors.ts';
import { createLayoutTestPack } from '../../../models/test-pack/layout-test-pack.ts';
import { createTestPack } from '../../../models/test-pack/create-test-pack.ts';
import { writeCsv, writeRefs } from '../pipeline/support/cli-fixtures.ts';
import { openDatabase } from '../../../main/db/database.ts';
import { tinyRows } from '../pipeline/support/tiny-pack-run.ts';
import { startLocalS3, type LocalS3 } from '../sync/local-s3.ts';
import { assetql, pinWorkFolder, type Proc } from './support/cluster.ts';
import { inProcessCoordinator, type InProcessCoordinator } from './support/in-process-coordinator.ts';
import { HAVE_REDIS, startRedis, type LocalRedis } from './support/redis-server.ts';

let dir: string;
let redis: LocalRedis;
let s3: LocalS3;
let storeUrl: string;
let plain: SdxlManifest;
let layout: SdxlManifest;
const procs: Proc[] = [];

beforeAll(async () => {
  if (!HAVE_REDIS) return;
  dir = mkdtempSync(join(tmpdir(), 'assetql-dist-cl-'));
  await Promise.all([
    createTestPack(join(dir, 'packs', 'p1'), { kind: 'sdxl', id: 'test-sdxl' }).then((m) => void (plain = m)),
    createTestPack(join(dir, 'packs', 'p2'), { kind: 'sdxl', id: 'other-sdxl' }),
    createTestPack(join(dir, 'packs', 'clip'), { kind: 'clip', id: 'test-clip' }),
    createLayoutTestPack(join(dir, 'packs', 'lb'), 'optimum', { id: 'tiny-base', size: 64 }).then((p) => void (layout = p.manifest)),
    writeRefs(join(dir, 'refs')),
    writeTinyLora(join(dir, 'pixel.safetensors')),
  ]);
  redis = await startRedis();
  s3 = await startLocalS3('assetql-work');
  storeUrl = `${s3.endpoint.replace('http://', 'http://S3RVER:S3RVER@')}/assetql-work/dist`;
  await pinWorkFolder(storeUrl);
}, 90_000);

afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.kill('SIGKILL');
  await redis?.stop();
  await s3?.close();
});

function worker(extra: string[]): Proc {
  const p = assetql(['worker', '--redis', redis.url, '--store', storeUrl, '--json', '--lock-ms', '5000', ...extra], dir);
  procs.push(p);
  return p;
}

const readyId = async (p: Proc): Promise<string> => String((await p.waitFor((e) => e['event'] === 'ready'))['id']);

async function stop(...ps: Proc[]): Promise<void> {
  for (const p of ps) p.kill('SIGINT');
  await Promise.all(ps.map((p) => p.exited));
}

/** A kohya LoRA on one attention projection of the layout pack's UNet, strong enough to change pixels. */
async function writeTinyLora(path: string): Promise<void> {
  const m = 'lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q';
  await writeSafetensors(path, [
    { name: `${m}.lora_down.weight`, shape: [2, 8], dtype: 'F32', values: Array.from({ length: 16 }, (_, i) => Math.sin(i + 1)) },
    { name: `${m}.lora_up.weight`, shape: [8, 2], dtype: 'F32', values: Array.from({ length: 16 }, (_, i) => Math.cos(3 * i)) },
  ]);
}

async function decodeFile(path: string): Promise<Uint8Array> {
  const { data } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

interface AttemptRow {
  task_id: string;
  worker: string | null;
  prompt: string;
  negative_prompt: string;
  params: string;
  scores: string;
  timings: string;
  asset_id: string | null;
  rel_path: string | null;
}

function attempts(c: InProcessCoordinator, batchId: string): AttemptRow[] {
  return c.lib.db
    .prepare(
      `SELECT a.task_id, a.worker, a.prompt, a.negative_prompt, a.params, a.scores, a.timings, s.id AS asset_id, s.rel_path
       FROM attempts a JOIN tasks t ON t.id = a.task_id LEFT JOIN assets s ON s.task_id = a.task_id
       WHERE t.batch_id = ? AND a.outcome = 'passed' ORDER BY t.row_index`,
    )
    .all(batchId) as AttemptRow[];
}

describe.skipIf(!HAVE_REDIS)('workers that hold the CLIP pack embed and score; LoRA variant queues (real redis-server, s3rver)', () => {
  it('a worker with the CLIP pack scores with the engine code (equal to local to 1e-5); the coordinator runs no CLIP image encoder for its attempts', async () => {
    const withClip = worker(['--pack', join(dir, 'packs', 'p1'), '--clip-pack', join(dir, 'packs', 'clip')]);
    // Slower on purpose, so the worker with the CLIP pack (which also embeds) gets a fair share.
    const noClip = worker(['--pack', join(dir, 'packs', 'p1'), '--simulate-gpu-ms', '200']);
    const [clipId, plainId] = await Promise.all([readyId(withClip), readyId(noClip)]);
    expect(withClip.events().some((e) => e['what'] === 'clip-pack' && e['packId'] === 'test-clip')).toBe(true);
    const c = await inProcessCoordinator({ redisUrl: redis.url, storeUrl, packDir: join(dir, 'packs', 'p1'), refsDir: join(dir, 'refs'), clipPackDir: join(dir, 'packs', 'clip') });
    try {
      const before = c.clipImageRuns();
      const tasks = tinyRows(14, plain.defaults.width, plain.defaults.steps);
      const b = c.engine.createBatch({ name: 'clip on workers', model: 'test-sdxl', config: { thresholds: { style: 0 } }, profileId: c.profile.id, profileVersion: c.profile.version, tasks, start: true });
      const s = await c.engine.waitForBatch(b.id);
      expect(s.metrics.counts.ready).toBe(tasks.length);
      const coordinatorRuns = c.clipImageRuns() - before;

      const rows = attempts(c, b.id);
      expect(rows).toHaveLength(tasks.length);
      const byClip = rows.filter((r) => r.worker === clipId);
      const byPlain = rows.filter((r) => r.worker === plainId);
      expect(byClip.length + byPlain.length).toBe(tasks.length);
      expect(byClip.length).toBeGreaterThan(0);
      // Observable per attempt: validated on the worker (no CLIP timing here), or embedded here.
      for (const r of byClip) {
        const t = JSON.parse(r.timings) as Record<string, number>;
        expect(t['validateOnWorker']).toBeGreaterThan(0);
        expect(t['workerClipEmbed']).toBeGreaterThan(0);
        expect(t['clipEmbed']).toBeUndefined();
      }
      for (const r of byPlain) {
        const t = JSON.parse(r.timings) as Record<string, number>;
        expect(t['validateOnWorker']).toBeUndefined();
        expect(t['clipEmbed']).toBeGreaterThan(0);
      }
      // The coordinator's CLIP image encoder ran once per scored attempt of the worker without the pack, never for the other.
      const scoredByPlain = (c.lib.db.prepare(`SELECT COUNT(*) AS n FROM attempts a JOIN tasks t ON t.id = a.task_id WHERE t.batch_id = ? AND a.worker = ? AND a.outcome IN ('passed', 'failed')`).get(b.id, plainId) as { n: number }).n;
      expect(coordinatorRuns).toBe(scoredByPlain);

      // What the coordinator computes locally for the same images, with its own pack and profile.
      const stages = await c.stagesFor(join(dir, 'packs', 'p1'));
      const profile = getProfile(c.lib.db, c.profile.id, c.profile.version);
      expect(profile.clipCentroid).not.toBeNull();
      for (const r of byClip) {
        const px = await decodeFile(join(c.lib.dataDir.library, r.rel_path!));
        const params = JSON.parse(r.params) as GenerationParams;
        const image = { width: params.width, height: params.height, data: px };
        const local = await measureStyle(image, profile, stages.embedder, { width: tasks[0]!.params.width, height: tasks[0]!.params.height });
        const got = JSON.parse(r.scores) as Record<string, unknown>;
        for (const [k, v] of Object.entries(local.scores)) {
          if (typeof v === 'number') expect(Math.abs((got[k] as number) - v), k).toBeLessThanOrEqual(1e-5);
          else expect(got[k], k).toEqual(v);
        }
        expect(local.scores.clipSimilarity).not.toBeNull();
        const stored = getEmbedding(c.lib.db, r.asset_id!)!;
        expect(stored.modelId).toBe(stages.embedder!.modelId);
        expect(stored.vector.length).toBe(local.embedding!.length);
        let worst = 0;
        for (let i = 0; i < stored.vector.length; i++) worst = Math.max(worst, Math.abs(stored.vector[i]! - local.embedding![i]!));
        expect(worst).toBeLessThanOrEqual(1e-5);
      }
      console.log(`CLIP on workers: ${byClip.length} attempts scored on the worker with the CLIP pack, ${byPlain.length} embedded by the coordinator (${coordinatorRuns} coordinator CLIP image runs)`);
    } finally {
      await c.close();
      await stop(withClip, noClip);
    }
  }, 150_000);

  it('a LoRA batch runs on workers that bake the variant (LoRA from the store or their registry): images equal local generation with the variant; a worker without the base pack takes none; an evicted variant is baked again', async () => {
    const lb = join(dir, 'packs', 'lb');
    // One worker already has the LoRA in its data folder's registry; the other fetches it from the store.
    const preloaded = join(dir, 'w-preloaded');
    const ctx = openAppContext(preloaded);
    try {
      await importLora(ctx.db, ctx.dataDir, join(dir, 'pixel.safetensors'), 'pixel-local-name');
    } finally {
      ctx.close();
    }
    const fetcher = worker(['--pack', lb, '--data-dir', join(dir, 'w-fetch')]);
    const holder = worker(['--pack', lb, '--data-dir', preloaded]);
    const stranger = worker(['--pack', join(dir, 'packs', 'p2'), '--data-dir', join(dir, 'w-stranger')]);
    const [fetchId, holderId, strangerId] = await Promise.all([readyId(fetcher), readyId(holder), readyId(stranger)]);
    const c = await inProcessCoordinator({ redisUrl: redis.url, storeUrl, packDir: lb, refsDir: join(dir, 'refs') });
    try {
      const lora = await importLora(c.lib.db, c.lib.dataDir, join(dir, 'pixel.safetensors'), 'pixel');
      const tasks = tinyRows(8, layout.defaults.width, layout.defaults.steps);
      const b = c.engine.createBatch({ name: 'lora on workers', model: 'tiny-base', config: { thresholds: { style: 0 }, loras: [{ id: lora.id, scale: 0.9 }] }, profileId: c.profile.id, profileVersion: c.profile.version, tasks, start: true });
      const s = await c.engine.waitForBatch(b.id);
      expect(s.metrics.counts.ready).toBe(tasks.length);

      const rows = attempts(c, b.id);
      expect(rows).toHaveLength(tasks.length);
      expect(rows.every((r) => r.worker === fetchId || r.worker === holderId)).toBe(true);
      expect(rows.some((r) => r.worker === strangerId)).toBe(false);
      expect(fetcher.events().some((e) => e['event'] === 'log' && String(e['message']).startsWith('fetching LoRA pixel'))).toBe(true);
      expect(holder.events().some((e) => e['event'] === 'log' && String(e['message']).startsWith('fetching LoRA'))).toBe(false);
      expect(stranger.events().some((e) => e['event'] === 'log' && String(e['message']).includes('tiny-base'))).toBe(false);
      const ads = await listWorkers(c.coordinator.redis);
      for (const id of [fetchId, holderId]) {
        const ad = ads.find((a) => a.id === id);
        expect(ad?.variants).toEqual([{ packId: 'tiny-base', hash: expect.any(String), loraKey: expect.stringMatching(/^[0-9a-f]{12}$/), loras: [{ name: 'pixel', sha256: lora.sha256, scale: 0.9 }] }]);
      }
      expect(ads.find((a) => a.id === strangerId)?.variants ?? []).toEqual([]);

      // Local generation with the same variant (the coordinator's own bake) gives the same pixels.
      const variant = await c.stagesFor(await c.packDirFor(b));
      const base = await c.stagesFor(lb);
      expect(variant.sdxl.manifest.id).not.toBe(base.sdxl.manifest.id);
      let loraChangedPixels = 0;
      for (const r of rows) {
        const params = JSON.parse(r.params) as GenerationParams;
        const st = await variant.resolve(b);
        // An escalated attempt may be img2img from an earlier attempt's kept image, as the engine loads it.
        const initImage = params.initImagePath ? await st.archive.load(params.initImagePath) : undefined;
        const req = { prompt: r.prompt, negativePrompt: r.negative_prompt, params, ...(initImage ? { initImage } : {}) };
        const mine = await st.generate.generate(req, { signal: new AbortController().signal });
        const theirs = await decodeFile(join(c.lib.dataDir.library, r.rel_path!));
        expect(theirs.length).toBe(mine.image.data.length);
        let worst = 0;
        for (let i = 0; i < theirs.length; i++) worst = Math.max(worst, Math.abs(theirs[i]! - mine.image.data[i]!));
        expect(worst, `row of task ${r.task_id}`).toBe(0);
        const plainImage = await (await base.resolve(b)).generate.generate(req, { signal: new AbortController().signal });
        if (plainImage.image.data.some((v, i) => v !== theirs[i])) loraChangedPixels++;
      }
      // The LoRA really is in the workers' images (without it, they would equal the base pack's).
      expect(loraChangedPixels).toBe(rows.length);
      // The variant cache of both workers is emptied (as its size limit would): the worker that
      // notices gives the job back as transient, bakes again and carries on.
      rmSync(join(dir, 'w-fetch', 'models', '.lora-variants'), { recursive: true, force: true });
      rmSync(join(preloaded, 'models', '.lora-variants'), { recursive: true, force: true });

      // The same from the CLI: `assetql run --lora` as coordinator only, on its own data folder.
      const data = join(dir, 'data-cli-lora');
      const imp = assetql(['models', 'lora', 'import', join(dir, 'pixel.safetensors'), '--data-dir', data], dir);
      expect(await imp.exited, imp.err()).toBe(0);
      writeCsv(join(dir, 'lora.csv'), 6);
      const run = assetql(['run', 'lora.csv', '--refs', 'refs', '--pack', lb, '--data-dir', data, '--lora', 'pixel:0.9', '--threshold', '0', '--json', '--redis', redis.url, '--store', storeUrl, '--workers-only'], dir);
      procs.push(run);
      expect(await run.exited, run.err()).toBe(0);
      expect(run.events().at(-1)).toMatchObject({ event: 'summary', state: 'done' });
      const db = openDatabase(join(data, 'assetql.db'), { readonly: true });
      try {
        expect((db.prepare(`SELECT COUNT(*) AS n FROM tasks WHERE state = 'ready'`).get() as { n: number }).n).toBe(6);
        const makers = db.prepare(`SELECT DISTINCT worker FROM attempts WHERE outcome = 'passed'`).all() as { worker: string }[];
        expect(makers.length).toBeGreaterThan(0);
        expect(makers.every((m) => m.worker === fetchId || m.worker === holderId)).toBe(true);
        for (const m of makers) {
          const p = m.worker === fetchId ? fetcher : holder;
          const logs = p.events().filter((e) => e['event'] === 'log').map((e) => String(e['message']));
          expect(logs.some((l) => l.includes('variant gone from the cache'))).toBe(true);
          expect(logs.filter((l) => l.startsWith('preparing tiny-base')).length).toBe(2);
        }
        const recipe = JSON.parse((db.prepare('SELECT params FROM assets LIMIT 1').get() as { params: string }).params) as Record<string, unknown>;
        expect(recipe).toMatchObject({ provider: 'cpu' });
      } finally {
        db.close();
      }
      console.log(`LoRA variant on workers: ${rows.filter((r) => r.worker === fetchId).length} images by the worker that fetched the LoRA from the store, ${rows.filter((r) => r.worker === holderId).length} by the one with it in its registry; all bit-exact with local generation`);
    } finally {
      await c.close();
      await stop(fetcher, holder, stranger);
    }
  }, 150_000);
});
