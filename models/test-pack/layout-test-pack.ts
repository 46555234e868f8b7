import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE, SdxlManifest } from '../manifest.ts';
import { layoutTextEncoderGraph } from './layout-text-encoder-graph.ts';
import { layoutUnetGraph, type TestExportLayout } from './layout-unet-graph.ts';
import type { NamedGraph } from './named-graph.ts';
import { createSdxlTestPack } from './sdxl-test-pack.ts';

export const LAYOUT_TE_DIMS = [8, 16] as const;
export const LAYOUT_POOLED = 12;

export interface LayoutTestPack {
  manifest: SdxlManifest;
  /** The graphs as built, with every weight's values (tests compute references from them). */
  graphs: { unet: NamedGraph; text_encoder: NamedGraph; text_encoder_2: NamedGraph };
}

/**
 * A tiny random-weight SDXL pack whose UNet and text encoders carry real module names in the
 * given export layout (the VAE and tokenizer come from the plain test pack). Checkpoint import
 * and LoRA bake run on it exactly as on a real export.
 */
export async function createLayoutTestPack(dir: string, layout: TestExportLayout, opts: { id?: string; seed?: number; size?: number } = {}): Promise<LayoutTestPack> {
  const seed = opts.seed ?? 7;
  const [d1, d2] = LAYOUT_TE_DIMS;
  const base = await createSdxlTestPack(dir, { kind: 'sdxl', id: opts.id ?? `test-sdxl-${layout}`, hiddenDims: [d1, d2], pooledDim: LAYOUT_POOLED, seed, size: opts.size ?? 32 });
  const te1 = layoutTextEncoderGraph({ seed: seed + 11, width: d1, seqLen: 77, idDtype: 'int32', lastLayer: 12 });
  const te2 = layoutTextEncoderGraph({ seed: seed + 12, width: d2, seqLen: 77, idDtype: 'int64', lastLayer: 32, projection: LAYOUT_POOLED });
  const unet = layoutUnetGraph(seed + 13, layout, d1 + d2, LAYOUT_POOLED);
  const manifest = SdxlManifest.parse({
    ...base,
    name: `Test pack: tiny SDXL in the ${layout} export layout`,
    components: {
      ...base.components,
      text_encoder: await te1.g.write(dir, 'text_encoder.onnx', te1),
      text_encoder_2: await te2.g.write(dir, 'text_encoder_2.onnx', te2),
      unet: await unet.g.write(dir, 'unet.onnx', unet),
    },
  });
  await writeFile(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, graphs: { unet: unet.g, text_encoder: te1.g, text_encoder_2: te2.g } };
}
