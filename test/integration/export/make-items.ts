import { mkdtemp, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ExportItem } from '../../../main/library/export/export-item.ts';

/** Tiny real PNGs (random noise, so they differ) plus matching ExportItems. */
export async function makeItems(names: readonly string[], size = 8, categories?: readonly (string | null)[]): Promise<{ dir: string; items: ExportItem[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'assetql-export-src-'));
  await mkdir(join(dir, 'raw'), { recursive: true });
  const items: ExportItem[] = [];
  for (const [i, name] of names.entries()) {
    const assetId = `a${String(i + 1).padStart(3, '0')}`;
    const px = Buffer.alloc(size * size * 3);
    for (let j = 0; j < px.length; j++) px[j] = Math.floor(Math.random() * 256);
    const filePath = join(dir, 'raw', `${assetId}.png`);
    const info = await sharp(px, { raw: { width: size, height: size, channels: 3 } }).png().toFile(filePath);
    const thumbPath = join(dir, `${assetId}.jpg`);
    await sharp(px, { raw: { width: size, height: size, channels: 3 } }).jpeg({ quality: 80 }).toFile(thumbPath);
    items.push({
      assetId,
      name,
      filePath,
      thumbPath,
      width: size,
      height: size,
      fileSize: info.size,
      prompt: `prompt for ${name}`,
      negativePrompt: 'blurry',
      seed: 1000 + i,
      model: 'sdxl-base-1.0',
      params: { steps: 30, guidance: 7, sampler: 'euler' },
      scores: { clip: 0.9, color: 10.5, edge: null },
      styleScore: 0.88,
      tags: ['red', 'cat'],
      category: categories ? (categories[i] ?? null) : 'icons',
      subcategories: ['cat'],
      batchId: 'b1',
      createdAt: new Date(Date.UTC(2025, 0, 1 + i)).toISOString(),
    });
  }
  return { dir, items };
}

export async function tempOut(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'assetql-export-out-'));
}
