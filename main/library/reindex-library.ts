import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { AppError } from '../core/app-error.ts';
import { ensureRecoveredBatch } from '../pipeline/recovered-batch.ts';
import { parseA1111Parameters } from './a1111-parameters.ts';
import type { LibraryContext } from './asset-types.ts';
import { refreshFts } from './fts-index.ts';
import { markLibraryChanged } from './library-changes.ts';
import { absLibraryPath } from './library-paths.ts';
import { listLibraryPngs, type LibraryPng } from './library-pngs.ts';
import { readIhdr, readPngChunks } from './png-chunks.ts';
import { readPngParametersText } from './read-png-parameters.ts';
import { writeThumbnail } from './thumbnails.ts';

export interface ReindexReport {
  /** PNGs found under raw/ and archive/raw/. */
  scanned: number;
  /** Assets re-created from their embedded recipe. */
  restored: number;
  /** Already in the database: left exactly as they are. */
  alreadyIndexed: number;
  /** Batch rows re-created (empty, finished) for folders whose batch was lost. */
  batchesRecreated: number;
  /** Files that could not be read back, with why (never fatal for the others). */
  skipped: { file: string; reason: string }[];
}

/**
 * Re-indexes the library's images into the open database: every PNG under raw/<batch>/<id>.png
 * (or archive/…) whose id has no asset row becomes one again, from its A1111 `parameters` chunk
 * (prompt, negative prompt, steps, sampler, CFG, seed, size, model), with its thumbnail and FTS
 * entry, so search finds it. What the image does not carry (CSV row, scores, tags, embeddings)
 * stays empty; `library retag` and a CLIP pack restore tags. Existing rows are never touched.
 */
export async function reindexLibrary(ctx: LibraryContext, onProgress?: (done: number, total: number) => void): Promise<ReindexReport> {
  const files = listLibraryPngs(ctx.dataDir.library);
  const report: ReindexReport = { scanned: files.length, restored: 0, alreadyIndexed: 0, batchesRecreated: 0, skipped: [] };
  const known = ctx.db.prepare('SELECT 1 FROM assets WHERE id = ?');
  let done = 0;
  for (const f of files) {
    done++;
    if (known.get(f.assetId)) {
      report.alreadyIndexed++;
      continue;
    }
    try {
      const recreated = await restoreOne(ctx, f);
      report.restored++;
      if (recreated) report.batchesRecreated++;
    } catch (err) {
      report.skipped.push({ file: f.relPath, reason: err instanceof Error ? err.message : String(err) });
    }
    onProgress?.(done, files.length);
  }
  if (report.restored > 0) markLibraryChanged(ctx.db);
  return report;
}

async function restoreOne(ctx: LibraryContext, f: LibraryPng): Promise<boolean> {
  if (!/^[A-Za-z0-9._-]+$/.test(f.assetId) || !/^[A-Za-z0-9._-]+$/.test(f.batchId)) throw new AppError('BadInput', 'not a name AssetQL writes');
  const abs = absLibraryPath(ctx.dataDir.library, f.relPath);
  const [png, st] = await Promise.all([readFile(abs), stat(abs)]);
  const { width, height } = readIhdr(readPngChunks(png));
  const text = readPngParametersText(png);
  if (text === null) throw new AppError('BadInput', 'no "parameters" chunk: not written by AssetQL or an A1111-compatible tool');
  const recipe = parseA1111Parameters(text);
  if (!recipe.prompt) throw new AppError('BadInput', 'the "parameters" chunk has no prompt');
  const s = recipe.settings;
  const seed = int(s['Seed']);
  const params: Record<string, unknown> = { width, height, recoveredFrom: 'png-parameters' };
  if (int(s['Steps']) !== null) params['steps'] = int(s['Steps']);
  if (num(s['CFG scale']) !== null) params['guidance'] = num(s['CFG scale']);
  if (s['Sampler']) params['sampler'] = s['Sampler'];
  if (seed !== null) params['seed'] = seed;
  if (num(s['Denoising strength']) !== null) params['strength'] = num(s['Denoising strength']);
  const created = Math.round(st.mtimeMs);
  const recreated = ctx.db.transaction(() => {
    const batchRecreated = ensureRecoveredBatch(ctx.db, f.batchId, created);
    ctx.db
      .prepare(
        `INSERT INTO assets (id, lineage_id, version, is_current, batch_id, name, rel_path, file_size, width, height, sha256,
           prompt, negative_prompt, params, seed, model, state, archived_at, created_at, updated_at)
         VALUES (?, ?, 1, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        f.assetId,
        f.assetId,
        f.batchId,
        nameFromPrompt(recipe.prompt),
        f.relPath,
        png.length,
        width,
        height,
        createHash('sha256').update(png).digest('hex'),
        recipe.prompt,
        recipe.negativePrompt,
        JSON.stringify(params),
        seed,
        s['Model'] ?? '',
        f.archived ? 'archived' : 'active',
        f.archived ? created : null,
        created,
        Date.now(),
      );
    refreshFts(ctx.db, f.assetId);
    return batchRecreated;
  })();
  await writeThumbnail(ctx, f.assetId, png);
  return recreated;
}

/** The CSV name is not in the image; the prompt's first words are the best stand-in. */
function nameFromPrompt(prompt: string): string {
  const first = prompt.split('\n')[0]!.trim();
  if (first.length <= 60) return first;
  const cut = first.slice(0, 60);
  const space = cut.lastIndexOf(' ');
  return `${space > 20 ? cut.slice(0, space) : cut}…`;
}

function int(v: string | undefined): number | null {
  if (v === undefined || !/^-?\d+$/.test(v.trim())) return null;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : null;
}

function num(v: string | undefined): number | null {
  if (v === undefined) return null;
  const n = Number(v);
  return v.trim() !== '' && Number.isFinite(n) ? n : null;
}
