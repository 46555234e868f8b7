import type { AppServices } from '../app-services.ts';
import { countPromptTokens } from '../../inference/token-counter.ts';

/** Prompt-editor helpers: the token counter. */
export function registerPromptHandlers(s: AppServices): void {
  s.registry.handle('intake.tokenCount', ({ text, packId }) => countPromptTokens(s.inference, packId ?? null, text));
}
