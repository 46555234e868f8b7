import type { Embedder } from '../../../main/inference/embedder.ts';

/**
 * A deterministic bag-of-words text embedder for pre-flight unit tests: each lower-case word
 * adds a signed unit to a hashed dimension (FNV-1a), then the vector is L2-normalised. Shared
 * words raise cosine similarity, so "adding a missing keyword helps" is a real, measurable
 * property here — unlike with a random-weight CLIP pack. Images are not supported.
 */
export function createHashEmbedder(dim = 512): Embedder {
  const embedText = (text: string): Float32Array => {
    const v = new Float32Array(dim);
    for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
      let h = 0x811c9dc5;
      for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193) >>> 0;
      v[h % dim]! += h & 0x80000000 ? -1 : 1;
    }
    let n = 0;
    for (const x of v) n += x * x;
    n = Math.sqrt(n) || 1;
    return v.map((x) => x / n);
  };
  return {
    dim,
    modelId: 'hash-bow',
    logitScale: 100,
    embedTexts: async (texts) => texts.map(embedText),
    embedImages: async () => {
      throw new Error('hash embedder has no image tower');
    },
  };
}
