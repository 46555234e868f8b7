import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../core/app-error.ts';
import { BatchConfigInputSchema } from '../../../preload/api.ts';

/**
 * `name.json` next to `name.csv`: names a saved style profile instead of a references folder,
 * and optionally a template, a prompt column and batch settings (any BatchConfig field).
 */
export const HotFolderSidecar = z.object({
  profileId: z.string().min(1).optional(),
  template: z.string().min(1).optional(),
  promptColumn: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
  /** Any BatchConfig fields, with the same names and limits as the New batch screen and the CLI. */
  config: BatchConfigInputSchema.optional(),
});
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
    const issue = parsed.error.issues[0];
    throw new AppError('BadInput', `${basename(path)}: ${issue?.path.join('.') || 'root'}: ${issue?.message}`, { file: path });
  }
  return parsed.data;
}
