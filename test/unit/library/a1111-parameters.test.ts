import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { formatA1111Parameters, parseA1111Parameters } from '../../../main/library/a1111-parameters.ts';
import { readPngParametersText } from '../../../main/library/read-png-parameters.ts';
import { encodePngChunk, makeTextChunk, PNG_SIGNATURE, readPngChunks, setPngText, writePngChunks } from '../../../main/library/png-chunks.ts';

// A 1×1 grey PNG built by hand so this test needs no encoder.
function tinyPng(extra: Buffer[] = []): Buffer {
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
  const idat = deflateSync(Buffer.from([0, 128]));
  return Buffer.concat([
    PNG_SIGNATURE,
    encodePngChunk({ type: 'IHDR', data: ihdr }),
    ...extra,
    encodePngChunk({ type: 'IDAT', data: idat }),
    encodePngChunk({ type: 'IEND', data: Buffer.alloc(0) }),
  ]);
}

describe('A1111 parameters text', () => {
  it('formats exactly the REFERENCE.md shape', () => {
    expect(
      formatA1111Parameters({ prompt: 'a red fox', negativePrompt: 'blurry', steps: 30, sampler: 'Euler', cfgScale: 7, seed: 1, width: 1024, height: 1024, model: 'sdxl' }),
    ).toBe('a red fox\nNegative prompt: blurry\nSteps: 30, Sampler: Euler, CFG scale: 7, Seed: 1, Size: 1024x1024, Model: sdxl');
  });

  it('omits an empty negative prompt and quotes values with commas, as A1111 does', () => {
    const text = formatA1111Parameters({ prompt: 'p', negativePrompt: '', steps: 4, seed: 9, width: 8, height: 8, model: 'a, b: c' });
    expect(text).toBe('p\nSteps: 4, Seed: 9, Size: 8x8, Model: "a, b: c"');
    expect(parseA1111Parameters(text).settings['Model']).toBe('a, b: c');
  });

  it('parses an Automatic1111 file with a multi-line prompt and extra keys', () => {
    const text =
      'masterpiece, 1girl,\nstanding in rain\nNegative prompt: lowres, bad hands\n' +
      'Steps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7.5, Seed: 3462921180, Size: 512x768, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Version: v1.6.0';
    expect(parseA1111Parameters(text)).toEqual({
      prompt: 'masterpiece, 1girl,\nstanding in rain',
      negativePrompt: 'lowres, bad hands',
      settings: {
        Steps: '20',
        Sampler: 'DPM++ 2M Karras',
        'CFG scale': '7.5',
        Seed: '3462921180',
        Size: '512x768',
        'Model hash': '6ce0161689',
        Model: 'v1-5-pruned-emaonly',
        Version: 'v1.6.0',
      },
    });
  });

  it('treats a prompt-only text as a prompt, not settings', () => {
    expect(parseA1111Parameters('just a prompt: with a colon')).toEqual({ prompt: 'just a prompt: with a colon', negativePrompt: '', settings: {} });
  });
});

describe('PNG text chunks', () => {
  it('reads tEXt, zTXt (as ComfyUI/others write) and iTXt', () => {
    const text = 'a cat\nSteps: 10, Sampler: Euler, Seed: 5';
    const z = encodePngChunk({ type: 'zTXt', data: Buffer.concat([Buffer.from('parameters\0\0', 'latin1'), deflateSync(Buffer.from(text, 'latin1'))]) });
    expect(readPngParametersText(tinyPng([z]))).toBe(text);
    const compressedItxt = encodePngChunk({
      type: 'iTXt',
      data: Buffer.concat([Buffer.from('parameters\0\x01\0en\0\0', 'latin1'), deflateSync(Buffer.from('猫 cat', 'utf8'))]),
    });
    expect(readPngParametersText(tinyPng([compressedItxt]))).toBe('猫 cat');
    expect(readPngParametersText(tinyPng())).toBeNull();
  });

  it('setPngText replaces earlier parameters chunks and picks tEXt or iTXt by charset', () => {
    const once = setPngText(tinyPng([encodePngChunk(makeTextChunk('parameters', 'old'))]), 'parameters', 'café');
    const chunks = readPngChunks(once);
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'tEXt', 'IDAT', 'IEND']);
    expect(readPngParametersText(once)).toBe('café');
    const twice = setPngText(once, 'parameters', 'ドラゴン');
    expect(readPngChunks(twice).map((c) => c.type)).toEqual(['IHDR', 'iTXt', 'IDAT', 'IEND']);
    expect(readPngParametersText(twice)).toBe('ドラゴン');
  });

  it('rejects a corrupt chunk CRC and a non-PNG', () => {
    const png = tinyPng([encodePngChunk(makeTextChunk('parameters', 'x'))]);
    png[40] = png[40]! ^ 0xff;
    expect(() => readPngChunks(png)).toThrow(/CRC/);
    expect(() => readPngChunks(Buffer.from('GIF89a'))).toThrow(/not a PNG/);
    expect(writePngChunks(readPngChunks(tinyPng()))).toEqual(tinyPng());
  });
});
