import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../../main/intake/template/render-template.ts';
import { CLIP_TOKEN_BUDGET, estimateTokens, placeStyleWithinBudget } from '../../../main/intake/template/token-estimate.ts';

const STYLE = { byAttribute: { colours: ['teal and amber palette'], lighting: ['soft rim light'], composition: [], medium: ['gouache'] }, locked: [] };
const long = Array.from({ length: 30 }, (_, i) => `ornate detail number ${i}`).join(', ');

describe('style terms stay within the CLIP budget', () => {
  it('appends the style block when everything fits', () => {
    expect(placeStyleWithinBudget('a teal mug', 'gouache, soft light')).toBe('a teal mug, gouache, soft light');
  });

  it('moves the style block before the tail of a prompt that is too long', () => {
    const out = placeStyleWithinBudget(`a brass lantern, ${long}`, 'gouache, soft rim light');
    expect(out.startsWith('a brass lantern, ')).toBe(true);
    const end = out.indexOf('soft rim light') + 'soft rim light'.length;
    expect(end).toBeGreaterThan(0);
    expect(estimateTokens(out.slice(0, end))).toBeLessThanOrEqual(CLIP_TOKEN_BUDGET);
    // Nothing is lost: every clause is still there, only the order changed.
    for (const clause of long.split(', ')) expect(out).toContain(clause);
  });

  it('keeps the subject first even when the subject alone is long', () => {
    const subject = Array.from({ length: 80 }, (_, i) => `w${i}`).join(' ');
    const out = placeStyleWithinBudget(`${subject}, tail clause`, 'gouache');
    expect(out).toBe(`${subject}, gouache, tail clause`);
  });

  it('a template without {style} gets the profile terms inside the budget', () => {
    const prompt = renderTemplate('{item}, {details}', { item: 'a brass lantern', details: long }, STYLE);
    for (const term of ['teal and amber palette', 'soft rim light', 'gouache']) {
      const end = prompt.indexOf(term) + term.length;
      expect(prompt.indexOf(term)).toBeGreaterThan(0);
      expect(estimateTokens(prompt.slice(0, end))).toBeLessThanOrEqual(CLIP_TOKEN_BUDGET);
    }
  });

  it('the estimate never undercounts plain words', () => {
    expect(estimateTokens('a red mug')).toBe(3);
    expect(estimateTokens('extraordinarily, 42')).toBeGreaterThanOrEqual(5);
  });
});
