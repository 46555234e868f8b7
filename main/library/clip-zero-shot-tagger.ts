import type { Embedder } from '../inference/embedder.ts';
import { AppError } from '../core/app-error.ts';
import type { TagGroup } from './asset-types.ts';
import { normalise } from './embeddings-repo.ts';
import { sceneCategory, TAG_VOCABULARY, type VocabularyGroup } from './tag-vocabulary.ts';
import type { Tagger, TaggerInput } from './tagger.ts';
import type { AutoTagging } from './tags-repo.ts';

export interface ClipTaggerOptions {
  vocabulary?: readonly VocabularyGroup[];
  /** Besides each group's top tag, keep any tag whose in-group probability reaches this. */
  threshold?: number;
  /** At most this many tags per group. */
  maxPerGroup?: number;
  /** Subcategories: object tags at or above this probability (top 3). */
  subcategoryThreshold?: number;
}

interface GroupMatrix {
  group: VocabularyGroup;
  /** Prompt-ensembled, re-normalised text embeddings, one per tag. */
  vectors: Float32Array[];
}

/**
 * CLIP zero-shot tagging. Text embeddings of the vocabulary are computed once per tagger and
 * reused; per group, logits = logitScale · cos(image, tag) and a softmax picks the winners.
 */
export function createClipZeroShotTagger(embedder: Embedder, opts: ClipTaggerOptions = {}): Tagger {
  const vocabulary = opts.vocabulary ?? TAG_VOCABULARY;
  const threshold = opts.threshold ?? 0.2;
  const maxPerGroup = opts.maxPerGroup ?? 3;
  const subThreshold = opts.subcategoryThreshold ?? 0.1;
  let groups: Promise<GroupMatrix[]> | null = null;

  async function buildGroups(): Promise<GroupMatrix[]> {
    const out: GroupMatrix[] = [];
    for (const group of vocabulary) {
      const prompts = group.tags.flatMap((t) => group.templates.map((tpl) => tpl.replace('{}', t)));
      const emb = await embedder.embedTexts(prompts);
      const n = group.templates.length;
      const vectors = group.tags.map((_, i) => {
        const sum = new Float32Array(embedder.dim);
        for (let k = 0; k < n; k++) {
          const e = normalise(emb[i * n + k]!);
          for (let d = 0; d < sum.length; d++) sum[d]! += e[d]!;
        }
        return normalise(sum);
      });
      out.push({ group, vectors });
    }
    return out;
  }

  return {
    source: 'clip',
    async tagImage(input: TaggerInput): Promise<AutoTagging> {
      groups ??= buildGroups();
      let image: Float32Array;
      if (input.embedding && input.embedding.modelId === embedder.modelId) image = normalise(input.embedding.vector);
      else {
        const [e] = await embedder.embedImages([input.image]);
        if (!e) throw new AppError('Inference', 'embedder returned no image embedding');
        image = normalise(e);
      }
      const tags: AutoTagging['tags'] = [];
      let category: string | null = null;
      let subcategories: string[] = [];
      for (const { group, vectors } of await groups) {
        const probs = softmax(vectors.map((v) => embedder.logitScale * dot(v, image)));
        const ranked = probs.map((p, i) => ({ p, tag: group.tags[i]! })).sort((a, b) => b.p - a.p);
        const keep = ranked.filter((r, i) => i === 0 || r.p >= threshold).slice(0, maxPerGroup);
        const tagGroup: TagGroup = group.group;
        for (const r of keep) {
          tags.push({ tag: group.group === 'scene' ? sceneCategory(r.tag) : r.tag, group: tagGroup, confidence: round(r.p) });
        }
        if (group.group === 'scene') category = sceneCategory(ranked[0]!.tag);
        if (group.group === 'objects') subcategories = ranked.filter((r, i) => i === 0 || r.p >= subThreshold).slice(0, 3).map((r) => r.tag);
      }
      return { source: 'clip', tags, category, subcategories };
    },
  };
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function softmax(logits: number[]): number[] {
  const max = Math.max(...logits);
  const ex = logits.map((l) => Math.exp(l - max));
  const sum = ex.reduce((a, b) => a + b, 0);
  return ex.map((e) => e / sum);
}

function round(p: number): number {
  return Math.round(p * 10000) / 10000;
}
