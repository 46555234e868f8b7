import type { RgbImage } from '../../workers/image/rgb-image.ts';
import type { SamplerName } from '../../workers/sdxl/schedulers/samplers.ts';
import type { SdxlGenerateRequest } from '../inference/sdxl-client.ts';
import type { GenerationParams } from './types.ts';

/**
 * One attempt's plan as the SDXL worker's request. Local generation (wiring.ts) and a remote
 * worker (distributed/job-processor.ts) both build it here, so a recipe means the same image
 * wherever it runs.
 */
export function toGenerateRequest(
  prompt: string,
  negativePrompt: string,
  p: GenerationParams,
  initImage: RgbImage | undefined,
): SdxlGenerateRequest {
  return {
    prompt,
    negativePrompt,
    width: p.width,
    height: p.height,
    steps: p.steps,
    guidance: p.guidance,
    // The ledger stores the sampler as text; the contract's enum validated it on the way in.
    sampler: p.sampler as SamplerName,
    seed: p.seed,
    ...(initImage ? { initImage, strength: p.strength ?? 0.6 } : {}),
  };
}
