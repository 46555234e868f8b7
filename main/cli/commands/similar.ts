import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliIo, Command } from '../command.ts';
import { parseFlags } from '../parse-flags.ts';
import { openAppContext } from '../../core/app-context.ts';
import { AppError, toErrorData } from '../../core/app-error.ts';
import { createClipEmbedder } from '../../inference/clip-embedder.ts';
import { WorkerPool } from '../../inference/worker-pool.ts';
import { ASSET_STATES, type AssetState } from '../../library/asset-types.ts';
import { getAsset } from '../../library/get-asset.ts';
import { similarAssets, similarToImage, type SimilarHit } from '../../library/similar-assets.ts';
import { loadRgbImage } from '../../library/tag-asset.ts';
import { writeCommandError } from '../command-error.ts';

export const similarCommand: Command = {
  name: 'similar',
  summary: 'Find visually similar assets (CLIP) to a library asset or an image file',
  usage: `assetql similar <assetId|imagePath> [--k 20] [--clip-pack <dir>] [--state active|archived] [--json] [--data-dir <dir>]

By asset id: uses the asset's stored CLIP embedding (it comes back first, score 1.000).
By image file: embeds the image with the CLIP pack given by --clip-pack (the same model the
library was embedded with), then ranks the library by cosine similarity.`,
  async run(argv: string[], io: CliIo): Promise<number> {
    const parsed = parseFlags(this, argv, io, {
      k: { type: 'string' }, 'clip-pack': { type: 'string' }, state: { type: 'string', multiple: true }, json: { type: 'boolean' },
      'data-dir': { type: 'string' },
    });
    if (typeof parsed === 'number') return parsed;
    const { values, positionals } = parsed;
    let ctx;
    let pool: WorkerPool | undefined;
    try {
      if (positionals.length !== 1) throw new AppError('BadInput', `give exactly one asset id or image path (got ${positionals.length})`);
      const target = positionals[0]!;
      const k = values.k === undefined ? 20 : Number(values.k);
      if (!Number.isInteger(k) || k < 1 || k > 1000) throw new AppError('BadInput', `--k must be an integer 1–1000 (got ${values.k})`);
      const states = (values.state ?? ['active', 'archived']).flatMap((s) => s.split(','));
      for (const s of states) if (!ASSET_STATES.includes(s as AssetState)) throw new AppError('BadInput', `--state must be one of ${ASSET_STATES.join(', ')} (got ${s})`);
      ctx = openAppContext(values['data-dir']);
      let hits: SimilarHit[];
      if (getAsset(ctx.db, target)) {
        hits = similarAssets(ctx.db, { assetId: target, k, states: states as AssetState[] });
      } else {
        const file = resolve(io.cwd, target);
        if (!(await isFile(file))) throw new AppError('NotFound', `${target} is neither an asset id in this library nor an image file`);
        if (!values['clip-pack']) throw new AppError('BadInput', `searching by image needs --clip-pack <dir> (the CLIP pack the library was embedded with)`);
        pool = new WorkerPool({ size: 1 });
        const embedder = await createClipEmbedder(pool, resolve(io.cwd, values['clip-pack']));
        const image = await loadRgbImage(file).catch((err: Error) => {
          throw new AppError('BadInput', `cannot decode ${file}: ${err.message}`, { file });
        });
        hits = await similarToImage(ctx.db, embedder, image, { k, states: states as AssetState[] });
      }
      if (values.json) {
        io.stdout.write(`${JSON.stringify(hits.map((h) => ({ score: h.score, asset: h.asset })), null, 2)}\n`);
      } else if (hits.length === 0) {
        io.stdout.write('No assets with embeddings for this model.\n');
      } else {
        io.stdout.write(hits.map((h) => `${h.score.toFixed(3)}  ${h.asset.id}  ${h.asset.name}`).join('\n') + '\n');
      }
      return 0;
    } catch (err) {
      const e = toErrorData(err);
      writeCommandError(io, `assetql similar`, err);
      return e.kind === 'BadInput' ? 2 : 1;
    } finally {
      ctx?.close();
      await pool?.close();
    }
  },
};

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

export default similarCommand;
