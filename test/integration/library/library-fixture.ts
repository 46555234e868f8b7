import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import type { RgbImage } from '../../../workers/image/rgb-image.ts';
import { resolveDataDir } from '../../../main/core/data-dir.ts';
import { openDatabase } from '../../../main/db/database.ts';
import type { LibraryContext } from '../../../main/library/asset-types.ts';

/** A real data folder + SQLite file in the OS temp dir, with one batch and tasks on demand. */
export interface LibraryFixture extends LibraryContext {
  root: string;
  batchId: string;
  addTask(rowIndex: number, name?: string): { taskId: string; taskKey: string };
  cleanup(): void;
}

export function createLibraryFixture(batchId = 'batch-1'): LibraryFixture {
  const root = mkdtempSync(join(tmpdir(), 'assetql-lib-'));
  const dataDir = resolveDataDir(root);
  const db = openDatabase(dataDir.dbPath);
  const now = Date.now();
  const addBatch = (id: string): void => {
    db.prepare(`INSERT OR IGNORE INTO batches (id, name, config, created_at, updated_at) VALUES (?, ?, '{}', ?, ?)`).run(id, id, now, now);
  };
  addBatch(batchId);
  return {
    root,
    dataDir,
    db,
    batchId,
    addTask(rowIndex, name = `row ${rowIndex}`) {
      const taskId = `${batchId}-t${rowIndex}`;
      const taskKey = `key-${batchId}-${rowIndex}`;
      db.prepare(
        `INSERT INTO tasks (id, batch_id, row_index, task_key, name, prompt, params, source_row, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'p', '{}', '{}', ?, ?)`,
      ).run(taskId, batchId, rowIndex, taskKey, name, now, now);
      return { taskId, taskKey };
    },
    cleanup() {
      db.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export const SHARED_IMAGES = resolve(process.cwd(), '../shared/data/images');

/** A real photo from ../shared, resized small so tests stay fast. */
export async function sharedImage(name: string, width = 64, height = width): Promise<RgbImage> {
  const { data, info } = await sharp(join(SHARED_IMAGES, name))
    .resize(width, height, { fit: 'cover' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

/** The same photo slightly changed (brightness, small crop): a near-duplicate. */
export async function nearDuplicate(name: string, width = 64): Promise<RgbImage> {
  const { data, info } = await sharp(join(SHARED_IMAGES, name))
    .resize(width + 6, width + 6, { fit: 'cover' })
    .extract({ left: 3, top: 3, width, height: width })
    .modulate({ brightness: 1.06 })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

export const PHOTOS = ['astronaut.png', 'brick.png', 'chelsea.png', 'coffee.png', 'grass.png', 'gravel.png', 'hubble_deep_field.jpg', 'retina.jpg', 'rocket.jpg'];
