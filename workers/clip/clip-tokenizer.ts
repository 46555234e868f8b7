import { bytesToUnicode } from './bytes-to-unicode.ts';

export interface ClipTokenizerOptions {
  /** Context length; ids are truncated (EOS kept last) and padded to it. */
  maxLength?: number;
  /** Padding id: SDXL's first tokenizer pads with EOS, OpenCLIP bigG with 0. Default: EOS. */
  padTokenId?: number;
  /** Explicit token → id map (Hugging Face vocab.json); by default derived from the merges. */
  vocab?: Readonly<Record<string, number>>;
}

// CLIP's pre-tokenizer pattern (openai/CLIP simple_tokenizer.py), applied to lower-cased text.
const PATTERN = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+/gu;

/**
 * CLIP's byte-level BPE tokenizer. The vocabulary is derived from the merges exactly as CLIP
 * does: 256 byte symbols, the same with `</w>`, one token per merge, then the two specials —
 * so with the full merges file BOS = 49406 and EOS = 49407.
 */
export class ClipTokenizer {
  readonly bos: number;
  readonly eos: number;
  readonly maxLength: number;
  readonly padTokenId: number;
  readonly vocabSize: number;
  private readonly encoder = new Map<string, number>();
  private readonly ranks = new Map<string, number>();
  private readonly byteEncoder: string[];
  private readonly cache = new Map<string, string[]>();
  private readonly utf8 = new TextEncoder();

  constructor(merges: ReadonlyArray<readonly [string, string]>, options: ClipTokenizerOptions = {}) {
    const table = bytesToUnicode();
    this.byteEncoder = table.byChar;
    const vocab: string[] = [...table.vocabOrder, ...table.vocabOrder.map((c) => `${c}</w>`)];
    merges.forEach(([a, b], i) => {
      vocab.push(a + b);
      this.ranks.set(`${a} ${b}`, i);
    });
    vocab.push('<|startoftext|>', '<|endoftext|>');
    if (options.vocab) for (const [tok, id] of Object.entries(options.vocab)) this.encoder.set(tok, id);
    else vocab.forEach((tok, i) => this.encoder.set(tok, i));
    this.vocabSize = this.encoder.size;
    this.bos = this.encoder.get('<|startoftext|>') ?? vocab.length - 2;
    this.eos = this.encoder.get('<|endoftext|>') ?? vocab.length - 1;
    this.maxLength = options.maxLength ?? 77;
    this.padTokenId = options.padTokenId ?? this.eos;
  }

  /** BPE ids without BOS/EOS. */
  encodeText(text: string): number[] {
    const clean = text.replace(/\s+/g, ' ').trim().toLowerCase();
    const ids: number[] = [];
    for (const match of clean.matchAll(PATTERN)) {
      const word = [...this.utf8.encode(match[0])].map((b) => this.byteEncoder[b] ?? '').join('');
      for (const tok of this.bpe(word)) {
        const id = this.encoder.get(tok);
        if (id !== undefined) ids.push(id);
      }
    }
    return ids;
  }

  /** BOS + ids + EOS, truncated to maxLength keeping EOS last, padded with padTokenId. */
  encode(text: string): Int32Array {
    const body = this.encodeText(text).slice(0, this.maxLength - 2);
    const out = new Int32Array(this.maxLength).fill(this.padTokenId);
    out[0] = this.bos;
    out.set(body, 1);
    out[body.length + 1] = this.eos;
    return out;
  }

  /** Ids of a batch, concatenated row-major as [batch, maxLength]. */
  encodeBatch(texts: readonly string[]): Int32Array {
    const out = new Int32Array(texts.length * this.maxLength);
    texts.forEach((t, i) => out.set(this.encode(t), i * this.maxLength));
    return out;
  }

  private bpe(token: string): string[] {
    const cached = this.cache.get(token);
    if (cached) return cached;
    const chars = [...token];
    if (chars.length === 0) return [];
    let word = [...chars.slice(0, -1), `${chars[chars.length - 1]}</w>`];
    while (word.length > 1) {
      let best = -1;
      let bestRank = Number.POSITIVE_INFINITY;
      for (let i = 0; i < word.length - 1; i++) {
        const r = this.ranks.get(`${word[i]} ${word[i + 1]}`);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) break;
      const first = word[best] ?? '';
      const second = word[best + 1] ?? '';
      // Merge every occurrence of the best pair, left to right, as the reference does.
      const merged: string[] = [];
      for (let i = 0; i < word.length; i++) {
        if (i < word.length - 1 && word[i] === first && word[i + 1] === second) {
          merged.push(first + second);
          i += 1;
        } else merged.push(word[i] ?? '');
      }
      word = merged;
    }
    if (this.cache.size < 10_000) this.cache.set(token, word);
    return word;
  }
}
