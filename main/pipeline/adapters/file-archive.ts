import { join } from 'node:path';
import sharp from 'sharp';
import type { RgbImage } from '../../../workers/image/rgb-image.ts';
import { AppError } from '../../core/app-error.ts';
import type { DataDir } from '../../core/data-dir.ts';
import { writeFileAtomic } from '../../library/atomic-write.ts';
import type { ArchiveStage } from '../stages.ts';

/**
 * Keeps failed attempts' images at <library>/attempts/<batch>/<task>-<n>.png (atomic write), so
 * review can show them, approve can store the best one and escalation rung 3 can start img2img
 * from it. Paths in the ledger are library-relative, '/' separated.
 */
export function createFileArchive(dataDir: Pick<DataDir, 'library' | 'tmp'>): ArchiveStage {
  return {
    async keep(image, { task, attemptN }) {
      const rel = `attempts/${task.batchId}/${task.id}-${attemptN}.png`;
      const png = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).png({ compressionLevel: 3 }).toBuffer();
      await writeFileAtomic(dataDir.tmp, join(dataDir.library, ...rel.split('/')), png);
      return rel;
    },
    async load(relPath) {
      if (relPath.split('/').some((s) => s === '..' || s === '')) throw new AppError('BadInput', `unsafe attempt image path ${relPath}`);
      try {
        const { data, info } = await sharp(join(dataDir.library, ...relPath.split('/')))
          .removeAlpha()
          .raw()
          .toBuffer({ resolveWithObject: true });
        const img: RgbImage = { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
        return img;
      } catch (err) {
        throw new AppError('NotFound', `attempt image ${relPath} cannot be read: ${(err as Error).message}`, { file: relPath });
      }
    },
  };
}
