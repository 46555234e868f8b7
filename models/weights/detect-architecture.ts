import type { TensorInfo } from '../safetensors/safetensors-header.ts';

export type Architecture = 'sdxl' | 'sdxl-refiner' | 'sd1' | 'sd2' | 'sd3' | 'flux' | 'lora' | 'unknown';

export interface ArchitectureVerdict {
  architecture: Architecture;
  /** A sentence saying what the file is, for refusals. */
  description: string;
}

const has = (keys: string[], re: RegExp): boolean => keys.some((k) => re.test(k));

/**
 * What kind of model a checkpoint holds, from its key names (and one shape where names alone
 * are ambiguous). Only SDXL base checkpoints can be imported onto an SDXL pack.
 */
export function detectArchitecture(tensors: ReadonlyMap<string, TensorInfo>): ArchitectureVerdict {
  const keys = [...tensors.keys()];
  if (has(keys, /(^lora_(unet|te)|\.lora_(down|up|A|B)\.|_lora\.(down|up)\.)/)) {
    return { architecture: 'lora', description: 'This file is a LoRA, not a full checkpoint: add it with `assetql models lora import` (Settings → LoRAs).' };
  }
  if (has(keys, /(^|\.)(double_blocks|single_blocks)\.\d+\./)) {
    return { architecture: 'flux', description: 'This is a Flux checkpoint (a rectified-flow transformer), not SDXL: AssetQL packs run SDXL UNets only.' };
  }
  if (has(keys, /(^|\.)joint_blocks\.\d+\./)) {
    return { architecture: 'sd3', description: 'This is a Stable Diffusion 3 checkpoint (an MMDiT transformer), not SDXL: AssetQL packs run SDXL UNets only.' };
  }
  if (has(keys, /^cond_stage_model\.transformer\./)) {
    return { architecture: 'sd1', description: 'This is a Stable Diffusion 1.x checkpoint (one CLIP text encoder, 512-px UNet), not SDXL.' };
  }
  if (has(keys, /^cond_stage_model\.model\./)) {
    return { architecture: 'sd2', description: 'This is a Stable Diffusion 2.x checkpoint (OpenCLIP-H text encoder), not SDXL.' };
  }
  const label = tensors.get('model.diffusion_model.label_emb.0.0.weight') ?? tensors.get('add_embedding.linear_1.weight') ?? tensors.get('unet.add_embedding.linear_1.weight');
  const sgmTe2 = has(keys, /^conditioner\.embedders\.1\.model\./);
  const sgmRefiner = has(keys, /^conditioner\.embedders\.0\.model\./) && !sgmTe2;
  if (sgmRefiner || (label && label.shape[1] === 2560)) {
    return { architecture: 'sdxl-refiner', description: 'This is an SDXL refiner checkpoint (one OpenCLIP text encoder, aesthetic-score conditioning): it cannot replace an SDXL base pack.' };
  }
  if (label || sgmTe2) return { architecture: 'sdxl', description: 'SDXL base checkpoint' };
  if (has(keys, /^model\.diffusion_model\.input_blocks\./)) {
    return { architecture: 'sd1', description: 'This is a Stable Diffusion 1.x/2.x-style UNet checkpoint without SDXL\'s size conditioning (label_emb), not SDXL.' };
  }
  if (has(keys, /^(unet\.)?(down_blocks|up_blocks)\./)) {
    return { architecture: 'sd1', description: 'This is a diffusers UNet without SDXL\'s add_embedding (Stable Diffusion 1.x/2.x), not SDXL.' };
  }
  return { architecture: 'unknown', description: 'This file holds no Stable Diffusion UNet weights that AssetQL recognises (no model.diffusion_model.* or down_blocks.* keys), so it is not an SDXL checkpoint.' };
}
