import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { DataDir } from '../core/data-dir.ts';
import type { RgbImage } from '../../workers/image/rgb-image.ts';

export interface StoredRef {
  sha256: string;
  /** Library-relative path. */
  path: string;
}

/**
 * Copies a decoded reference into <library>/refs/<profileId>/<sha256>.png. Re-encoding the
 * decoded pixels (orientation applied, alpha flattened) drops EXIF/GPS and other metadata the
 * user may not want kept, and makes re-analysis read exactly the pixels first analysed.
 * Written to a temp file and renamed, so a crash never leaves a half-written reference.
 */
export async function storeReference(dataDir: DataDir, profileId: string, image: RgbImage): Promise<StoredRef> {
  const png = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .png({ compressionLevel: 6 })
    .toBuffer();
  const sha256 = createHash('sha256').update(png).digest('hex');
  const rel = join('refs', profileId, `${sha256}.png`);
  const abs = join(dataDir.library, rel);
  if (!existsSync(abs)) {
    mkdirSync(join(dataDir.library, 'refs', profileId), { recursive: true });
    mkdirSync(dataDir.tmp, { recursive: true });
    const tmp = join(dataDir.tmp, `${randomUUID()}.png`);
    writeFileSync(tmp, png);
    renameSync(tmp, abs);
  }
  return { sha256, path: rel };
}
