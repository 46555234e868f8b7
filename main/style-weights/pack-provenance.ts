import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * Where a derived pack's weights came from, in `provenance.json` beside its manifest: the
 * checkpoint (name + sha256, for A1111's `Model` / `Model hash`) and the LoRAs baked in.
 */
export const PROVENANCE_FILE = 'provenance.json';

export const PackProvenance = z.object({
  basePack: z.string(),
  checkpoint: z.object({ name: z.string(), sha256: z.string() }).optional(),
  loras: z.array(z.object({ id: z.string(), name: z.string(), sha256: z.string(), scale: z.number() })).default([]),
});
export type PackProvenance = z.infer<typeof PackProvenance>;

export function readProvenance(packDir: string): PackProvenance | null {
  try {
    return PackProvenance.parse(JSON.parse(readFileSync(join(packDir, PROVENANCE_FILE), 'utf8')));
  } catch {
    return null;
  }
}

export function writeProvenance(packDir: string, p: PackProvenance): void {
  writeFileSync(join(packDir, PROVENANCE_FILE), `${JSON.stringify(p, null, 2)}\n`);
}

/** What a recipe records about the weights: A1111's `Model`, `Model hash` (AutoV2: 10 hex) and LoRAs. */
export interface WeightsRecipe {
  model?: string;
  modelHash?: string;
  loras: Array<{ name: string; scale: number; hash: string }>;
}

export function recipeFromProvenance(p: PackProvenance | null): WeightsRecipe {
  if (!p) return { loras: [] };
  return {
    ...(p.checkpoint ? { model: p.checkpoint.name, modelHash: p.checkpoint.sha256.slice(0, 10) } : {}),
    loras: p.loras.map((l) => ({ name: l.name, scale: l.scale, hash: l.sha256.slice(0, 12) })),
  };
}
