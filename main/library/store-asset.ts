import { createHash, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import sharp from 'sharp';
import type { RgbImage } from '../../workers/image/rgb-image.ts';
import { AppError } from '../core/app-error.ts';
import { formatA1111Parameters } from './a1111-parameters.ts';
import { ASSET_COLUMNS, getAssetRow, rowToAsset, type AssetRow } from './asset-row.ts';
import type { Asset, LibraryContext } from './asset-types.ts';
import { pruneVersions } from './asset-versions.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { putEmbedding } from './embeddings-repo.ts';
import { refreshFts } from './fts-index.ts';
import { markLibraryChanged } from './library-changes.ts';
import { emitLibraryEvent } from './library-events.ts';
import { absLibraryPath, rawRelPath } from './library-paths.ts';
import { isPng, readIhdr, readPngChunks, setPngText } from './png-chunks.ts';
import { samplerDisplayName } from './sampler-names.ts';
import { copyUserOverrides } from './tags-repo.ts';
import { writeThumbnail } from './thumbnails.ts';

export interface StoreAssetInput {
  batchId: string;
  taskId?: string | null;
  /** Idempotency key (the task's key): storing it again returns the first asset, writes nothing. */
  taskKey?: string | null;
  name: string;
  /** Decoded pixels or an encoded PNG (its own `parameters` chunk is replaced). */
  image: RgbImage | Buffer;
  prompt: string;
  negativePrompt?: string;
  /** GenerationParams as JSON: steps, guidance (or cfgScale), sampler, seed, width, height, ... */
  params: Record<string, unknown>;
  seed?: number | null;
  model?: string;
  /** Checkpoint hash (A1111 AutoV2, 10 hex) and LoRAs of the weights that made the image. */
  modelHash?: string;
  loras?: Array<{ name: string; scale: number; hash?: string }>;
  scores?: Record<string, number | null>;
  styleScore?: number | null;
  sourceRow?: Record<string, string> | null;
  rowIndex?: number | null;
  /** CLIP image embedding already computed by validation; stored for similarity search. */
  embedding?: { modelId: string; vector: Float32Array };
  /** Regenerate/edit: the new image becomes version + 1 of this asset's lineage. */
  replaces?: string;
  /** Skip thumbnail generation (bulk imports that run rebuildThumbnails later). */
  skipThumbnail?: boolean;
  now?: number;
}

export interface StoreAssetResult {
  asset: Asset;
  /** false when taskKey was already stored and the existing asset is returned. */
  created: boolean;
}

function findByTaskKey(ctx: LibraryContext, taskKey: string): Asset | null {
  const row = ctx.db.prepare(`SELECT ${ASSET_COLUMNS} FROM assets a WHERE a.task_key = ?`).get(taskKey) as AssetRow | undefined;
  return row ? rowToAsset(row) : null;
}

async function encodePng(image: RgbImage | Buffer): Promise<Buffer> {
  if (Buffer.isBuffer(image)) {
    if (!isPng(image)) throw new AppError('BadInput', 'image buffer is not a PNG');
    return image;
  }
  if (image.data.length !== image.width * image.height * 3) {
    throw new AppError('BadInput', `RgbImage data length ${image.data.length} does not match ${image.width}x${image.height}x3`);
  }
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).png().toBuffer();
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * Files one finished image: PNG with its A1111 recipe at <library>/raw/<batch>/<id>.png
 * (atomic), thumbnail, DB row, optional embedding, FTS entry. Called by the pipeline when an
 * image passes validation, and by edit/regenerate with `replaces`.
 */
export async function storeAsset(ctx: LibraryContext, input: StoreAssetInput): Promise<StoreAssetResult> {
  if (input.taskKey) {
    const existing = findByTaskKey(ctx, input.taskKey);
    if (existing) return { asset: existing, created: false };
  }
  const replaced = input.replaces ? getAssetRow(ctx.db, input.replaces) : undefined;
  if (input.replaces && !replaced) throw new AppError('NotFound', `cannot make a new version of unknown asset ${input.replaces}`);

  const basePng = await encodePng(input.image);
  const { width, height } = readIhdr(readPngChunks(basePng));
  const seed = input.seed ?? num(input.params['seed']) ?? null;
  const model = input.model ?? (typeof input.params['model'] === 'string' ? input.params['model'] : '');
  const parameters = formatA1111Parameters({
    prompt: input.prompt,
    negativePrompt: input.negativePrompt ?? '',
    steps: num(input.params['steps']),
    sampler: typeof input.params['sampler'] === 'string' ? samplerDisplayName(input.params['sampler']) : undefined,
    cfgScale: num(input.params['guidance']) ?? num(input.params['cfgScale']) ?? num(input.params['cfg']),
    seed,
    width,
    height,
    model: model || undefined,
    ...(input.modelHash ? { modelHash: input.modelHash } : {}),
    ...(input.loras?.length ? { loras: input.loras } : {}),
    extra: recipeExtra(input.params),
  });
  const png = setPngText(basePng, 'parameters', parameters);

  // With a task key the id (and so the file name) is derived from it: a crash between writing
  // the file and inserting the row leaves a file the retry overwrites in place, never an orphan.
  const id = input.taskKey ? idFromTaskKey(input.taskKey) : randomUUID();
  const relPath = rawRelPath(input.batchId, id);
  const absPath = absLibraryPath(ctx.dataDir.library, relPath);
  await writeFileAtomic(ctx.dataDir.tmp, absPath, png);

  const now = input.now ?? Date.now();
  const lineageId = replaced?.lineage_id ?? id;
  let inserted = false;
  try {
    inserted = ctx.db.transaction(() => {
      const version = replaced
        ? ((ctx.db.prepare('SELECT MAX(version) AS v FROM assets WHERE lineage_id = ?').get(lineageId) as { v: number }).v + 1)
        : 1;
      const res = ctx.db
        .prepare(
          `INSERT INTO assets (id, lineage_id, version, is_current, batch_id, task_id, task_key, name, rel_path, file_size,
             width, height, sha256, prompt, negative_prompt, params, seed, model, scores, style_score, source_row, row_index,
             created_at, updated_at)
           VALUES (@id, @lineageId, @version, 1, @batchId, @taskId, @taskKey, @name, @relPath, @fileSize, @width, @height,
             @sha256, @prompt, @negativePrompt, @params, @seed, @model, @scores, @styleScore, @sourceRow, @rowIndex, @now, @now)
           ON CONFLICT(task_key) DO NOTHING`,
        )
        .run({
          id,
          lineageId,
          version,
          batchId: input.batchId,
          taskId: input.taskId ?? null,
          taskKey: input.taskKey ?? null,
          name: input.name,
          relPath,
          fileSize: png.length,
          width,
          height,
          sha256: createHash('sha256').update(png).digest('hex'),
          prompt: input.prompt,
          negativePrompt: input.negativePrompt ?? '',
          params: JSON.stringify(input.params),
          seed: seed === null ? null : Math.trunc(seed),
          model,
          scores: JSON.stringify(input.scores ?? {}),
          styleScore: input.styleScore ?? null,
          sourceRow: input.sourceRow ? JSON.stringify(input.sourceRow) : null,
          rowIndex: input.rowIndex ?? null,
          now,
        });
      // Lost a race with a concurrent store of the same task: keep the winner.
      if (res.changes === 0) return false;
      // The weights' recipe, for the library's checkpoint / LoRA filters (migration 014).
      if (input.modelHash || input.loras?.length) {
        ctx.db.prepare('UPDATE assets SET model_hash = ?, loras = ? WHERE id = ?').run(input.modelHash ?? null, input.loras?.length ? JSON.stringify(input.loras.map((l) => l.name)) : null, id);
      }
      if (replaced) {
        ctx.db.prepare('UPDATE assets SET is_current = 0, updated_at = ? WHERE lineage_id = ? AND id <> ?').run(now, lineageId, id);
        copyUserOverrides(ctx.db, replaced.id, id);
        for (const v of ctx.db.prepare('SELECT id FROM assets WHERE lineage_id = ? AND id <> ?').all(lineageId, id) as { id: string }[]) {
          refreshFts(ctx.db, v.id);
        }
      }
      if (input.embedding) putEmbedding(ctx.db, id, input.embedding.modelId, input.embedding.vector);
      refreshFts(ctx.db, id);
      markLibraryChanged(ctx.db);
      return true;
    })();
  } catch (err) {
    await rm(absPath, { force: true });
    if (err instanceof AppError) throw err;
    throw new AppError('Internal', `storing asset for batch ${input.batchId} failed: ${(err as Error).message}`, { batchId: input.batchId });
  }
  if (!inserted) {
    await rm(absPath, { force: true });
    const existing = input.taskKey ? findByTaskKey(ctx, input.taskKey) : null;
    if (!existing) throw new AppError('Conflict', `asset for task ${input.taskKey} vanished during store`);
    return { asset: existing, created: false };
  }
  const thumbRelPath = input.skipThumbnail ? null : await writeThumbnail(ctx, id, png);
  if (replaced) await pruneVersions(ctx, lineageId);
  const row = getAssetRow(ctx.db, id)!;
  const asset = rowToAsset(row);
  emitLibraryEvent({ type: 'stored', assetId: id, lineageId, version: asset.version, relPath, thumbRelPath });
  return { asset, created: true };
}

function idFromTaskKey(taskKey: string): string {
  const h = createHash('sha256').update(`asset:${taskKey}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Recipe pairs after Model: img2img strength, and which machine and provider made the image. */
function recipeExtra(params: Record<string, unknown>): Record<string, string | number> | undefined {
  const extra: Record<string, string | number> = {};
  const strength = num(params['strength']);
  if (strength !== undefined) extra['Denoising strength'] = strength;
  if (typeof params['worker'] === 'string') extra['Worker'] = params['worker'];
  if (typeof params['provider'] === 'string') extra['Provider'] = params['provider'];
  return Object.keys(extra).length > 0 ? extra : undefined;
}
