import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../core/app-error.ts';
import { issuesToSentences } from '../../core/issue-sentences.ts';
import { BatchConfigInputSchema, ThresholdsSchema } from '../../../preload/api.ts';

/**
 * `name.json` next to `name.csv` (all optional): a saved style profile instead of a references
 * folder, a template (else `name.template.txt` next to the CSV), a prompt column, the pack,
 * thresholds and other batch settings (any BatchConfig field). Unknown keys are refused so a
 * typo ("treshold") is reported instead of silently ignored. See resources/examples/README.md.
 */
export const HotFolderSidecar = z.object({
  profileId: z.string().min(1).optional(),
  template: z.string().min(1).optional(),
  promptColumn: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
  /** SDXL pack id (an installed one); without it the default installed pack is used. */
  pack: z.string().min(1).max(200).optional(),
  /** Pass thresholds (any of style, clip, colour, edge, preflight); the rest keep their defaults. */
  thresholds: ThresholdsSchema.partial().strict().optional(),
  /** Any BatchConfig fields, with the same names and limits as the New batch screen and the CLI. */
  config: BatchConfigInputSchema.optional(),
}).strict();
export type HotFolderSidecar = z.infer<typeof HotFolderSidecar>;

export async function readSidecar(path: string): Promise<HotFolderSidecar> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new AppError('BadInput', `${basename(path)} is not valid JSON: ${(err as Error).message}`, { file: path });
  }
  const parsed = HotFolderSidecar.safeParse(json);
  if (!parsed.success) {
    throw new AppError('BadInput', `${basename(path)}: ${issuesToSentences(parsed.error.issues, json)}`, { file: path });
  }
  // The contract schema fills defaults (1024×1024, 30 steps…) for keys the file does not name;
  // only what the user wrote may override the pack's own defaults, so keep just those keys.
  const written = (json as { config?: Record<string, unknown> }).config ?? {};
  const config = parsed.data.config ? Object.fromEntries(Object.entries(parsed.data.config).filter(([k]) => k in written)) : undefined;
  return { ...parsed.data, ...(config ? { config } : {}) };
}
