import { readPack } from '../onnx/read-pack.ts';
import type { ClipTokenizer } from './clip-tokenizer.ts';
import { loadTokenizer } from './load-tokenizer.ts';

export interface TokenCountResult {
  /** BPE tokens of the whole text, without BOS/EOS. */
  count: number;
  /** Tokens the text encoder reads besides BOS/EOS (maxLength − 2, i.e. 75 for CLIP's 77). */
  limit: number;
  /** Whitespace-separated words in order, their token counts, and whether all of them fit. */
  words: { text: string; tokens: number; kept: boolean }[];
}

/**
 * Counts tokens word by word with the pack's own tokenizer. CLIP's pre-tokenizer never joins
 * across whitespace, so the per-word counts add up to exactly what encode() sees, and a word
 * is cut when any of its tokens lands past the limit (encode() truncates there).
 */
export function countWordTokens(tokenizer: ClipTokenizer, text: string): TokenCountResult {
  const limit = tokenizer.maxLength - 2;
  let count = 0;
  const words = text
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => {
      const tokens = tokenizer.encodeText(w).length;
      count += tokens;
      return { text: w, tokens, kept: count <= limit };
    });
  return { count, limit, words };
}

const cache = new Map<string, Promise<ClipTokenizer>>();

/** The first text encoder's tokenizer of an SDXL pack (what the 77-token limit applies to), cached per folder. */
export function sdxlTokenizer(packDir: string): Promise<ClipTokenizer> {
  let t = cache.get(packDir);
  if (!t) {
    t = readPack(packDir, 'sdxl').then((m) => loadTokenizer(packDir, m.tokenizer));
    t.catch(() => cache.delete(packDir));
    cache.set(packDir, t);
  }
  return t;
}
