import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CliIo, Command } from '../command.ts';
import { parseFlags } from '../parse-flags.ts';
import { openAppContext } from '../../core/app-context.ts';
import { AppError } from '../../core/app-error.ts';
import { buildProfile, MAX_REFERENCES } from '../../dna/build-profile.ts';
import { embedderFromPack, NO_CLIP_REASON } from '../../dna/clip-option.ts';
import { formatScores } from '../../dna/format-scores.ts';
import { getProfile } from '../../dna/profile-repo.ts';
import { scoreImage } from '../../dna/score.ts';
import type { StyleProfile } from '../../dna/style-profile.ts';
import { decodeInWorker as decodeImage } from '../../inference/cpu-jobs.ts';
import { writeCommandError } from '../command-error.ts';

const IMAGE_EXT = /\.(png|jpe?g|webp|tiff?|gif|avif)$/i;

export const scoreCommand: Command = {
  name: 'score',
  summary: 'Score an image against a style profile (CLIP, colour, edges, composite) with targets',
  usage: `assetql score <image> --profile <id[@version] | images...> [--json] [--width W --height H] [--clip-pack <dir>] [--data-dir <dir>]

--profile takes a saved profile id (optionally id@version) or 1–${MAX_REFERENCES} reference images, e.g.
  assetql score out.png --profile ref1.png ref2.png
Prints CLIP similarity (target ≥ 0.85), colour distance (≤ 15), edge similarity (≥ 0.80), the
composite style score (≥ 0.85), the dimension check (with --width/--height) and artifact flags.
Exit code 0 when the image passes overall, 3 when it does not, 1 on error.`,
  async run(argv: string[], io: CliIo): Promise<number> {
    const parsed = parseFlags(this, argv, io, {
      profile: { type: 'string' }, json: { type: 'boolean' }, width: { type: 'string' }, height: { type: 'string' },
      'clip-pack': { type: 'string' }, 'data-dir': { type: 'string' },
    });
    if (typeof parsed === 'number') return parsed;
    const { values, positionals } = parsed;
    try {
      const [imageArg, ...extra] = positionals;
      if (!imageArg) throw new AppError('BadInput', 'give the image to score');
      if (!values.profile) throw new AppError('BadInput', '--profile <id | images...> is required');
      const requested = requestedSize(values.width, values.height);
      const clip = await embedderFromPack(values['clip-pack']);
      const embedder = clip.embedder;
      try {
        const profileArg = values.profile;
        const isImages = IMAGE_EXT.test(profileArg) || existsSync(resolve(io.cwd, profileArg)) || extra.length > 0;
        let profile: StyleProfile;
        if (isImages) {
          const refs = [];
          for (const p of [profileArg, ...extra]) refs.push({ name: p, image: await decodeImage(resolve(io.cwd, p)) });
          profile = await buildProfile(refs, { embedder, name: 'references given on the command line' });
        } else {
          const [id = '', ver] = profileArg.split('@');
          const version = ver === undefined ? undefined : Number(ver);
          if (version !== undefined && !Number.isInteger(version)) throw new AppError('BadInput', `--profile ${profileArg}: version must be an integer`);
          const ctx = openAppContext(values['data-dir']);
          try {
            profile = getProfile(ctx.db, id, version);
          } finally {
            ctx.close();
          }
        }
        const image = await decodeImage(resolve(io.cwd, imageArg));
        const scores = await scoreImage(image, profile, { embedder, ...(requested ? { requested } : {}) });
        if (!embedder && scores.clipSimilarity === null) scores.clipUnavailable = NO_CLIP_REASON;
        io.stdout.write(values.json ? `${JSON.stringify({ image: imageArg, ...scores }, null, 2)}\n` : formatScores(imageArg, scores));
        return scores.pass.overall ? 0 : 3;
      } finally {
        await clip.close();
      }
    } catch (err) {
      writeCommandError(io, `assetql score`, err);
      return 1;
    }
  },
};

function requestedSize(w: string | undefined, h: string | undefined): { width: number; height: number } | null {
  if (w === undefined && h === undefined) return null;
  const width = Number(w), height = Number(h);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new AppError('BadInput', `--width and --height must both be positive integers (got ${w ?? 'none'} × ${h ?? 'none'})`);
  }
  return { width, height };
}

export default scoreCommand;
