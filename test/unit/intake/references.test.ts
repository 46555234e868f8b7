import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReferenceDir, loadReferences } from '../../../main/intake/references/load-references.ts';

const dir = mkdtempSync(join(tmpdir(), 'aq-refs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function svg(w: number, h: number, accent: string, shift = 0): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="#f4ecd8"/>` +
      `<circle cx="${w / 3 + shift}" cy="${h / 2}" r="${w / 5}" fill="${accent}"/><rect x="${w / 2}" y="${h / 5}" width="${w / 4}" height="${h / 2}" fill="#264653"/></svg>`,
  );
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type), data])));
  return Buffer.concat([len, Buffer.from(type), data, crc]);
}

/** A 68-byte PNG whose header claims width×height: decoding it would need gigabytes. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(10))), chunk('IEND', Buffer.alloc(0))]);
}

const f = (name: string) => join(dir, name);

beforeAll(async () => {
  await sharp(svg(320, 400, '#e76f51')).png().toFile(f('a.png'));
  // Same pixels in another container: an exact duplicate.
  await sharp(f('a.png')).webp({ lossless: true }).toFile(f('a-copy.webp'));
  // Slightly brighter: a near duplicate.
  await sharp(f('a.png')).modulate({ brightness: 1.03 }).jpeg({ quality: 92 }).toFile(f('a-bright.jpg'));
  // Different picture stored sideways with EXIF orientation 6 and a GPS-ish comment.
  await sharp(svg(400, 300, '#2a9d8f', 60)).rotate(-90).jpeg().withMetadata({ orientation: 6 }).toFile(f('b-rotated.jpg'));
  await sharp(svg(120, 120, '#e9c46a')).png().toFile(f('tiny.png'));
  writeFileSync(f('notes.txt'), 'not an image');
  writeFileSync(f('bomb.png'), pngHeaderOnly(30_000, 30_000));
  const full = await sharp(svg(300, 300, '#000')).png().toBuffer();
  writeFileSync(f('truncated.png'), full.subarray(0, Math.floor(full.length / 2)));
});

describe('reference images', () => {
  it('applies EXIF orientation, strips metadata and reports the upright size', async () => {
    const { references, errors } = await loadReferences([f('b-rotated.jpg')]);
    expect(errors).toEqual([]);
    const ref = references[0]!;
    expect([ref.width, ref.height, ref.format]).toEqual([400, 300, 'jpeg']);
    expect(ref.rgb.data.length).toBe(400 * 300 * 3);
    const meta = await sharp(ref.png).metadata();
    expect([meta.format, meta.width, meta.height, meta.exif, meta.orientation]).toEqual(['png', 400, 300, undefined, undefined]);
  });

  it('drops exact duplicates and warns about near duplicates', async () => {
    const { references, warnings } = await loadReferences([f('a.png'), f('a-copy.webp'), f('a-bright.jpg'), f('b-rotated.jpg')]);
    expect(references.map((r) => r.name)).toEqual(['a.png', 'a-bright.jpg', 'b-rotated.jpg']);
    expect(warnings.map((w) => w.message)).toEqual([
      'a-copy.webp is an exact duplicate of a.png; ignored',
      'a-bright.jpg is nearly identical to a.png; near-duplicates give that picture extra weight',
    ]);
  });

  it('names each bad file and why, keeping the good ones', async () => {
    const { references, errors } = await loadReferences([f('a.png'), f('tiny.png'), f('notes.txt'), f('bomb.png'), f('truncated.png')]);
    expect(references.map((r) => r.name)).toEqual(['a.png']);
    expect(errors.map((e) => e.message)).toEqual([
      'tiny.png: 120×120 is too small; the shortest side must be at least 256 px',
      'notes.txt: not a PNG, JPEG or WebP image',
      'bomb.png: 30000×30000 has more than 40 megapixels; downscale it first',
      expect.stringMatching(/^truncated\.png: the image could not be decoded/),
    ]);
  });

  it('enforces 1–5 references and lists a folder', async () => {
    await expect(loadReferences([])).rejects.toThrow(/no reference images/);
    await expect(loadReferences(Array.from({ length: 6 }, () => f('a.png')))).rejects.toThrow(/6 reference images given; use at most 5/);
    await expect(loadReferenceDir(f('missing'))).rejects.toThrow(/reference folder not found/);
  });
});
