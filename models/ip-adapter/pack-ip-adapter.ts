import type { SdxlManifest } from '../manifest.ts';
import { IP_SCALE_INPUT, IP_TOKENS_INPUT } from './install-ip-adapter.ts';

export interface PackIpAdapter {
  /** Image tokens the projection makes (null when the manifest leaves the dim symbolic). */
  tokens: number | null;
  /** Width of the image embedding the projection takes (must equal the CLIP pack's). */
  embedDim: number | null;
}

const fixed = (d: number | string | undefined): number | null => (typeof d === 'number' ? d : null);

/**
 * The IP-Adapter an SDXL pack carries: an image_proj component and a UNet with the decoupled
 * cross-attention inputs (ip_tokens, ip_scale). One test, read by the pipeline (whether the
 * "more style weight" rung can use it) and by the pack list (what Settings shows).
 */
export function packIpAdapter(m: SdxlManifest): PackIpAdapter | null {
  const c = m.components;
  if (!c.image_proj || !c.unet.inputs[IP_TOKENS_INPUT] || !c.unet.inputs[IP_SCALE_INPUT]) return null;
  const input = Object.values(c.image_proj.inputs)[0];
  const output = Object.values(c.image_proj.outputs)[0];
  return { embedDim: fixed(input?.shape.at(-1)), tokens: output && output.shape.length >= 3 ? fixed(output.shape.at(-2)) : null };
}
