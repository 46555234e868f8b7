/**
 * US$ per million tokens, the one place prices live (platform.claude.com pricing, 2026).
 * Unknown models are charged at the most expensive listed rate so recorded cost is never
 * under-reported; update this table when models change.
 */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
}

export const MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  'claude-haiku-4-5': { inputPerMTok: 1, outputPerMTok: 5 },
  'claude-sonnet-4-5': { inputPerMTok: 3, outputPerMTok: 15 },
  'claude-sonnet-4-6': { inputPerMTok: 3, outputPerMTok: 15 },
  'claude-opus-4-5': { inputPerMTok: 5, outputPerMTok: 25 },
  'claude-opus-4-6': { inputPerMTok: 5, outputPerMTok: 25 },
};

const FALLBACK: ModelPrice = Object.values(MODEL_PRICES).reduce((a, b) => (b.outputPerMTok > a.outputPerMTok ? b : a));

export function priceFor(model: string): { price: ModelPrice; known: boolean } {
  // Dated ids (claude-haiku-4-5-20251001) price like their alias.
  const alias = model.replace(/-\d{8}$/, '');
  const price = MODEL_PRICES[alias];
  return price ? { price, known: true } : { price: FALLBACK, known: false };
}

export function costUsd(model: string, inputTokens: number, outputTokens: number): number {
  const { price } = priceFor(model);
  return (inputTokens * price.inputPerMTok + outputTokens * price.outputPerMTok) / 1_000_000;
}
