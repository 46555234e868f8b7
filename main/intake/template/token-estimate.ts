/**
 * CLIP reads 77 tokens including start/end: 75 for the prompt. Main has no tokenizer (the real
 * count comes from the pack's tokenizer in the inference worker: intake.tokenCount), so prompt
 * building plans with a deliberately pessimistic estimate: one token per CLIP pre-token piece
 * (word, number digit, punctuation run), and long words as several BPE pieces.
 */
export const CLIP_TOKEN_BUDGET = 75;

const PIECES = /'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+/gu;

export function estimateTokens(text: string): number {
  let n = 0;
  for (const m of text.toLowerCase().matchAll(PIECES)) n += Math.max(1, Math.ceil(m[0].length / 6));
  return n;
}

/**
 * Appends the style block to a prompt so that it stays within the budget: when the whole
 * would be too long, the style terms go right after the leading clauses that fit (the subject
 * comes first) and the remaining clauses follow, so what the encoder cuts is the prompt's tail,
 * never the brand's style terms.
 */
export function placeStyleWithinBudget(body: string, style: string, budget = CLIP_TOKEN_BUDGET): string {
  if (!body) return style;
  if (estimateTokens(`${body}, ${style}`) <= budget) return `${body}, ${style}`;
  const clauses = body.split(/,\s*/).filter((c) => c.trim() !== '');
  const styleTokens = estimateTokens(style) + 1;
  let keep = 1; // the first clause (the subject) always leads
  while (keep < clauses.length && estimateTokens(clauses.slice(0, keep + 1).join(', ')) + styleTokens <= budget) keep++;
  const rest = clauses.slice(keep);
  return [clauses.slice(0, keep).join(', '), style, ...(rest.length ? [rest.join(', ')] : [])].join(', ');
}
