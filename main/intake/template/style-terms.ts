import type { StyleInjection } from '../config/batch-config.ts';

export const STYLE_ATTRIBUTES = ['colours', 'lighting', 'composition', 'medium'] as const;
export type StyleAttribute = (typeof STYLE_ATTRIBUTES)[number];

/** The profile's describable style, one keyword list per attribute (brand DNA's styleKeywords()). */
export type StyleKeywords = Record<StyleAttribute, string[]>;

export const EMPTY_STYLE_KEYWORDS: StyleKeywords = { colours: [], lighting: [], composition: [], medium: [] };

/** At most this many keywords per attribute are injected: CLIP reads only 75 tokens. */
export const MAX_TERMS_PER_ATTRIBUTE = 3;

export interface StyleTerms {
  byAttribute: StyleKeywords;
  /** Terms the user locked: always injected, and prompt polish must keep them verbatim. */
  locked: string[];
}

/** Applies the user's per-attribute choices (include / lock / drop / override) to the profile keywords. */
export function styleTerms(keywords: StyleKeywords | null | undefined, injection: StyleInjection): StyleTerms {
  const byAttribute: StyleKeywords = { colours: [], lighting: [], composition: [], medium: [] };
  const locked: string[] = [];
  for (const a of STYLE_ATTRIBUTES) {
    const choice = injection[a];
    if (choice.mode === 'drop') continue;
    const terms = dedupe(choice.keywords ?? keywords?.[a] ?? []).slice(0, MAX_TERMS_PER_ATTRIBUTE);
    byAttribute[a] = terms;
    if (choice.mode === 'lock') locked.push(...terms);
  }
  return { byAttribute, locked };
}

export function dedupe(terms: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const t of terms) {
    const clean = t.trim().replace(/\s+/g, ' ');
    const key = clean.toLowerCase();
    if (!clean || seen.has(key)) continue;
    seen.add(key);
    out.push(clean);
  }
  return out;
}

/** Case-insensitive whole-phrase containment, so "warm light" is found in "Warm light, …". */
export function mentions(prompt: string, term: string): boolean {
  const escaped = term.trim().toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`, 'u').test(prompt.toLowerCase());
}
