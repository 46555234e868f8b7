import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkerError } from '../protocol.ts';
import type { TokenizerSpec } from '../../models/manifest.ts';
import { ClipTokenizer } from './clip-tokenizer.ts';
import { loadMerges } from './load-merges.ts';

/** Builds the tokenizer a pack's manifest describes (paths relative to the pack folder). */
export async function loadTokenizer(packDir: string, spec: TokenizerSpec): Promise<ClipTokenizer> {
  const merges = await loadMerges(join(packDir, spec.merges));
  let vocab: Record<string, number> | undefined;
  if (spec.vocab) {
    const path = join(packDir, spec.vocab);
    try {
      vocab = JSON.parse(await readFile(path, 'utf8')) as Record<string, number>;
    } catch (err) {
      throw new WorkerError('ModelMissing', `tokenizer vocab unreadable: ${path} (${(err as Error).message})`, { file: path });
    }
  }
  return new ClipTokenizer(merges, {
    maxLength: spec.maxLength,
    ...(spec.padTokenId !== undefined ? { padTokenId: spec.padTokenId } : {}),
    ...(vocab ? { vocab } : {}),
  });
}
