import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { WorkerError } from '../../../workers/protocol.ts';
import { decodeImage } from '../../../workers/analysis/decode-image.ts';
import { image } from './images.ts';

/** A 64×32 test card: left half red, right half blue (so rotation is visible). */
async function card(): Promise<sharp.Sharp> {
  const w = 64, h = 32;
  const data = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const p = (y * w + x) * 3;
    if (x < w / 2) data[p] = 220; else data[p + 2] = 220;
  }
  return sharp(data, { raw: { width: w, height: h, channels: 3 } });
}

const px = (img: { width: number; data: Uint8Array }, x: number, y: number): number[] =>
  Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));

async function rejection(p: Promise<unknown>): Promise<WorkerError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(WorkerError);
  return err as WorkerError;
}

describe('decodeImage', () => {
  it.each(['png', 'jpeg', 'webp'] as const)('decodes %s to 8-bit RGB', async (fmt) => {
    const buf = await (await card()).toFormat(fmt, fmt === 'png' ? {} : { quality: 95 }).toBuffer();
    const img = await decodeImage(buf, { name: `card.${fmt}` });
    expect([img.width, img.height, img.data.length]).toEqual([64, 32, 64 * 32 * 3]);
    expect(img.source.format).toBe(fmt);
    const left = px(img, 8, 16), right = px(img, 56, 16);
    expect(left[0]).toBeGreaterThan(180);
    expect(right[2]).toBeGreaterThan(180);
  });

  it('applies EXIF orientation (6 = rotate 90° clockwise)', async () => {
    const buf = await (await card()).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
    const img = await decodeImage(buf);
    expect([img.width, img.height]).toEqual([32, 64]);
    expect([img.source.width, img.source.height, img.source.orientation]).toEqual([32, 64, 6]);
    // Rotating clockwise puts the left (red) half on top.
    expect(px(img, 16, 8)[0]).toBeGreaterThan(180);
    expect(px(img, 16, 56)[2]).toBeGreaterThan(180);
  });

  it('flattens alpha onto white', async () => {
    const rgba = Buffer.alloc(16 * 16 * 4);
    for (let i = 0; i < 16 * 16; i++) if (i % 16 < 8) { rgba[i * 4] = 0; rgba[i * 4 + 3] = 255; } // left opaque black, right transparent
    const buf = await sharp(rgba, { raw: { width: 16, height: 16, channels: 4 } }).png().toBuffer();
    const img = await decodeImage(buf);
    expect(img.source.hasAlpha).toBe(true);
    expect(px(img, 2, 2)).toEqual([0, 0, 0]);
    expect(px(img, 13, 2)).toEqual([255, 255, 255]);
  });

  it('expands grayscale to RGB (real texture)', async () => {
    const img = await decodeImage(image('brick.png'));
    expect(img.source.channels).toBe(1);
    expect(img.data.length).toBe(img.width * img.height * 3);
    const [r, g, b] = px(img, 100, 100);
    expect(r).toBe(g);
    expect(g).toBe(b);
  });

  it('reduces 16-bit PNG to 8-bit', async () => {
    const buf = await (await card()).toColourspace('rgb16').png().toBuffer();
    expect((await sharp(buf).metadata()).depth).toBe('ushort');
    const img = await decodeImage(buf);
    expect(img.data).toBeInstanceOf(Uint8Array);
    expect(img.data.length).toBe(64 * 32 * 3);
    expect(px(img, 8, 16)[0]).toBeGreaterThan(200);
    expect(px(img, 8, 16)[0]).toBeLessThan(240);
  });

  it('refuses an image over the pixel limit before decoding any pixel', async () => {
    // A PNG header claiming 100000×100000 with 64 bytes of pixel data: decoding would fail as
    // truncated, so getting the limit error proves the check ran on the header first.
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(100_000, 0);
    ihdr.writeUInt32BE(100_000, 4);
    ihdr[8] = 8; ihdr[9] = 2;
    const chunk = (type: string, body: Buffer): Buffer => {
      const len = Buffer.alloc(4); len.writeUInt32BE(body.length);
      const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type), body])));
      return Buffer.concat([len, Buffer.from(type), body, crc]);
    };
    const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(64))), chunk('IEND', Buffer.alloc(0))]);
    const err = await rejection(decodeImage(png, { name: 'bomb.png' }));
    expect(err.kind).toBe('BadInput');
    expect(err.message).toContain('bomb.png');
    expect(err.message).toContain('100000×100000');
    expect(err.message).toMatch(/limit/);
    expect(err.detail).toMatchObject({ width: 100_000, height: 100_000 });
  });

  it('applies a custom pixel limit to a real photo', async () => {
    const err = await rejection(decodeImage(image('astronaut.png'), { maxPixels: 100_000 }));
    expect(err.message).toContain('astronaut.png is 512×512');
  });

  it('names the file and the reason for a truncated JPEG', async () => {
    const err = await rejection(decodeImage(image('truncated.jpg')));
    expect(err.kind).toBe('BadInput');
    expect(err.message).toContain('truncated.jpg');
    expect(err.message).toMatch(/premature end|truncated|corrupt/i);
    expect(err.detail?.['file']).toBe(image('truncated.jpg'));
  });

  it('downscales on request without enlarging', async () => {
    const big = await decodeImage(image('retina.jpg'), { maxSide: 512 });
    expect(Math.max(big.width, big.height)).toBe(512);
    expect(big.source.width).toBe(1411);
    const small = await decodeImage(image('chelsea.png'), { maxSide: 512 });
    expect([small.width, small.height]).toEqual([451, 300]);
  });
});
