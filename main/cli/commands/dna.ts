import { resolve } from 'node:path';
import type { CliIo, Command } from '../command.ts';
import { parseFlags } from '../parse-flags.ts';
import { openAppContext } from '../../core/app-context.ts';
import { AppError } from '../../core/app-error.ts';
import { buildProfile, MAX_REFERENCES } from '../../dna/build-profile.ts';
import { embedderFromPack, NO_CLIP_REASON } from '../../dna/clip-option.ts';
import { formatProfile } from '../../dna/format-profile.ts';
import { profileToJson } from '../../dna/profile-json.ts';
import { createProfile } from '../../dna/profile-repo.ts';
import { decodeInWorker as decodeImage } from '../../inference/cpu-jobs.ts';
import { writeCommandError } from '../command-error.ts';

export const dnaCommand: Command = {
  name: 'dna',
  summary: 'Extract the brand DNA (palette, lighting, composition, texture) of 1–5 reference images',
  usage: `assetql dna <images...> [--json] [--k 6] [--save --name <name>] [--clip-pack <dir>] [--data-dir <dir>]

Analyses ${'1–' + MAX_REFERENCES} reference images (PNG, JPEG, WebP) into a style profile and prints it: the
merged palette (hex, weight, colour name), parameter ranges with the references' spread, and
style keywords. --save stores the profile (references copied into the library) and prints its
id. Without --clip-pack, CLIP similarity is unavailable and scores use colour, edges and
parameters only.`,
  async run(argv: string[], io: CliIo): Promise<number> {
    const parsed = parseFlags(this, argv, io, {
      json: { type: 'boolean' }, k: { type: 'string' }, save: { type: 'boolean' }, name: { type: 'string' },
      'clip-pack': { type: 'string' }, 'data-dir': { type: 'string' },
    });
    if (typeof parsed === 'number') return parsed;
    const { values, positionals } = parsed;
    try {
      if (positionals.length < 1 || positionals.length > MAX_REFERENCES) {
        throw new AppError('BadInput', `give 1–${MAX_REFERENCES} reference images (got ${positionals.length})`);
      }
      const k = values.k === undefined ? 6 : Number(values.k);
      if (!Number.isInteger(k) || k < 1 || k > 16) throw new AppError('BadInput', `--k must be an integer 1–16, got ${values.k}`);
      if (values.save && !values.name) throw new AppError('BadInput', '--save needs --name <name>');
      const clip = await embedderFromPack(values['clip-pack']);
      const embedder = clip.embedder;
      try {
        const paths = positionals.map((p) => resolve(io.cwd, p));
        let profile;
        if (values.save) {
          const ctx = openAppContext(values['data-dir']);
          try {
            profile = await createProfile(ctx.db, ctx.dataDir, paths, { name: values.name ?? '', k, embedder });
          } finally {
            ctx.close();
          }
        } else {
          const refs = [];
          for (const p of paths) refs.push({ name: p, image: await decodeImage(p) });
          profile = await buildProfile(refs, { k, embedder, ...(values.name ? { name: values.name } : {}) });
        }
        const clipNote = profile.clipCentroid ? null : NO_CLIP_REASON;
        if (values.json) io.stdout.write(`${JSON.stringify({ ...profileToJson(profile), clipUnavailable: clipNote }, null, 2)}\n`);
        else {
          io.stdout.write(formatProfile(profile, clipNote));
          if (profile.id) io.stdout.write(`\nSaved as ${profile.id} (version ${profile.version}).\n`);
        }
        return 0;
      } finally {
        await clip.close();
      }
    } catch (err) {
      writeCommandError(io, `assetql dna`, err);
      return 1;
    }
  },
};

export default dnaCommand;
