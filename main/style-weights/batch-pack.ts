import type { Database } from 'better-sqlite3';
import { AppError } from '../core/app-error.ts';
import type { DataDir } from '../core/data-dir.ts';
import { ensureLoraVariant, type LoraPick } from './lora-variants.ts';

/**
 * The pack folder a batch runs on: the pack itself, or its cached variant with the batch's
 * LoRAs baked in (so the GPU runs the plain graph at full speed).
 */
export async function packDirForLoras(db: Database, dataDir: Pick<DataDir, 'models' | 'root'>, pack: { id: string; dir: string }, loras: LoraPick[]): Promise<string> {
  if (loras.length === 0) return pack.dir;
  return (await ensureLoraVariant(db, dataDir, pack, loras)).dir;
}

/** `--lora name:scale` flags (scale defaults to 1), in the order given. */
export function parseLoraFlags(flags: string[]): LoraPick[] {
  return flags.map((f) => {
    const m = /^(.+?)(?::(-?\d+(?:\.\d+)?))?$/.exec(f.trim());
    if (!m) throw new AppError('BadInput', `--lora ${f}: expected <name or id>[:scale], e.g. pixel-art:0.8`);
    return { id: m[1]!, scale: m[2] !== undefined ? Number(m[2]) : 1 };
  });
}
