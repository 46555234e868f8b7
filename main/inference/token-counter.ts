import type { TokenCount } from '../../preload/api.ts';
import type { InferenceRuntime } from '../runtime/inference-runtime.ts';

/**
 * The real token count of a prompt, from the SDXL pack's own tokenizer in the inference worker
 * (main never loads tokenizers itself: one implementation, the one generation uses).
 */
export async function countPromptTokens(runtime: InferenceRuntime, packId: string | null, text: string): Promise<TokenCount> {
  const pack = runtime.resolveSdxlPack(packId);
  const pool = await runtime.pool();
  const r = await pool.run({ kind: 'text.countTokens', packDir: pack.dir, text });
  return { ...r, tokenizer: pack.id };
}
