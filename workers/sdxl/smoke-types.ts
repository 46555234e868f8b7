import type { ProviderName } from '../onnx/provider-types.ts';

/** One doctor smoke run ('doctor.smoke'): a tiny SDXL pack end to end on one provider. */
export interface SmokeResult {
  provider: ProviderName;
  ok: boolean;
  /** Session creation for the four SDXL components. */
  loadMs?: number;
  /** Text encode (both encoders) + 2 denoising steps (CFG, batch 2) + VAE decode. */
  totalMs?: number;
  /** Time inside ONNX Runtime runs for the same work. */
  runMs?: number;
  /** The second denoising step alone (between the two progress events). */
  stepMs?: number;
  width?: number;
  height?: number;
  error?: string;
}
