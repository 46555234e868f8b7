import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClipTokenizer } from '../../../workers/clip/clip-tokenizer.ts';
import { CLIP_MAX_MERGES, loadMerges, parseMerges } from '../../../workers/clip/load-merges.ts';
import { sharedClipMerges, sharedNumericsPath } from '../../fixtures/tiny-packs.ts';

interface Numerics {
  clip_tokens: Array<{ text: string; ids: number[] }>;
}
const numerics = JSON.parse(readFileSync(sharedNumericsPath(), 'utf8')) as Numerics;

describe('ClipTokenizer on the real CLIP merges', () => {
  let tok: ClipTokenizer;
  beforeAll(async () => {
    tok = new ClipTokenizer(await loadMerges(sharedClipMerges()));
  });

  it('derives the CLIP vocabulary: 49408 tokens, BOS 49406, EOS 49407', () => {
    expect(tok.vocabSize).toBe(49408);
    expect(tok.bos).toBe(49406);
    expect(tok.eos).toBe(49407);
  });

  it.each(numerics.clip_tokens)('encodes %# "$text" to exactly the reference ids', ({ text, ids }) => {
    const out = [...tok.encode(text)];
    expect(out.slice(0, ids.length)).toEqual(ids);
    expect(out).toHaveLength(77);
    // Padding after EOS defaults to EOS (SDXL's first tokenizer).
    expect(new Set(out.slice(ids.length))).toEqual(new Set([49407]));
  });

  it('pads with a configured id (OpenCLIP bigG pads with 0)', async () => {
    const t2 = new ClipTokenizer(await loadMerges(sharedClipMerges()), { padTokenId: 0 });
    const out = [...t2.encode('a photo of a cat')];
    expect(out.slice(0, 7)).toEqual([49406, 320, 1125, 539, 320, 2368, 49407]);
    expect(out.slice(7).every((v) => v === 0)).toBe(true);
  });

  it('collapses whitespace and lower-cases', () => {
    expect([...tok.encode('  A   PHOTO\n\tof a    cat ')]).toEqual([...tok.encode('a photo of a cat')]);
  });

  it('truncates to 77 keeping EOS last', () => {
    const out = tok.encode(Array.from({ length: 120 }, () => 'cat').join(' '));
    expect(out).toHaveLength(77);
    expect(out[0]).toBe(49406);
    expect(out[76]).toBe(49407);
    expect([...out.slice(1, 76)].every((v) => v === 2368)).toBe(true);
  });

  it('batches row-major', () => {
    const batch = tok.encodeBatch(['a cat', 'a photo']);
    expect([...batch.slice(0, 77)]).toEqual([...tok.encode('a cat')]);
    expect([...batch.slice(77)]).toEqual([...tok.encode('a photo')]);
  });
});

describe('merges parsing', () => {
  it('skips the version header of both file flavours and caps at 48894 merges', () => {
    expect(parseMerges('#version: 0.2\na b\n')).toEqual([['a', 'b']]);
    expect(parseMerges('"bpe_simple_vocab_16e6.txt#version: 0.2\ni n\n')).toEqual([['i', 'n']]);
    const many = Array.from({ length: CLIP_MAX_MERGES + 10 }, (_, i) => `x${i} y`).join('\n');
    expect(parseMerges(many)).toHaveLength(CLIP_MAX_MERGES);
  });

  it('rejects malformed lines with BadInput', () => {
    expect(() => parseMerges('#version: 0.2\nabc\n')).toThrow(expect.objectContaining({ kind: 'BadInput' }));
  });

  it('reports a missing merges file as ModelMissing naming it', async () => {
    await expect(loadMerges('/nonexistent/merges.txt')).rejects.toMatchObject({ kind: 'ModelMissing', message: expect.stringContaining('/nonexistent/merges.txt') });
  });

  it('a small merges list gives a small vocabulary with specials at its end', () => {
    const t = new ClipTokenizer(parseMerges('#version: 0.2\nc a\nca t</w>\n'));
    expect(t.vocabSize).toBe(512 + 2 + 2);
    expect([...t.encode('cat')].slice(0, 3)).toEqual([t.bos, 513, t.eos]);
  });
});
