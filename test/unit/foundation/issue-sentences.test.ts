import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { issuesToSentences } from '../../../main/core/issue-sentences.ts';
import { requestSchemas } from '../../../preload/api.ts';

const sentences = (schema: z.ZodType, value: unknown): string => {
  const r = schema.safeParse(value);
  if (r.success) throw new Error('expected a validation failure');
  return issuesToSentences(r.error.issues, value);
};

describe('validation issues as sentences', () => {
  it('names the field as the form does, the bound, and what was given', () => {
    const s = sentences(requestSchemas['batches.rename'], { id: 'b1', name: '   ' });
    expect(s).toBe('Name cannot be empty.');
    expect(sentences(z.object({ steps: z.number().int().max(150) }), { steps: 400 })).toBe('Steps must be at most 150 (you gave 400).');
    expect(sentences(z.object({ width: z.number().int() }), { width: 64.5 })).toMatch(/^Width must be a (whole number|number)/);
    expect(sentences(z.object({ sampler: z.enum(['euler', 'euler_a']) }), { sampler: 'ddim' })).toBe('Sampler must be one of “euler”, “euler_a” (you gave “ddim”).');
    expect(sentences(z.object({ name: z.string().max(3) }), { name: 'abcdef' })).toBe('Name can have at most 3 character(s).');
    expect(sentences(z.object({ concurrency: z.number() }), {})).toBe('Concurrency is missing.');
  });

  it('stops after five and says how many more', () => {
    const schema = z.object(Object.fromEntries('abcdefg'.split('').map((k) => [k, z.number()])));
    const s = sentences(schema, {});
    expect(s.split('. ').length).toBe(6);
    expect(s).toMatch(/and 2 more problem\(s\)\.$/);
  });
});
