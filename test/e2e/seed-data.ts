import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { openAppContext } from '../../main/core/app-context.ts';
import { fillSyntheticLibrary } from '../integration/library/synthetic-library.ts';
import { ROOT } from './harness.ts';

const EXAMPLES = join(ROOT, 'resources/examples/fantasy-items');

function cli(args: string[]): string {
  return execFileSync(process.execPath, [join(ROOT, 'bin/assetql.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface SeedCounts { active: number; archived: number; deleted: number; reviewPerBatch: number }

/**
 * A data folder for the trust specs, made with the real CLI where it matters: test packs
 * installed, two batches ("Spring", "Autumn") run with a threshold nothing meets so every row
 * lands in review, and a synthetic library (rows + real PNG and thumbnail files) with exactly
 * `active` active, `archived` archived and `deleted` deleted assets.
 */
export async function seedTrustData(counts: SeedCounts): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'assetql-e2e-trust-'));
  const dataDir = join(root, 'data');
  const packs = join(root, 'packs');
  cli(['models', 'create-test-pack', packs, '--data-dir', dataDir]);
  cli(['models', 'locate', 'test-sdxl', join(packs, 'test-sdxl'), '--data-dir', dataDir]);
  const refs = join(root, 'refs');
  mkdirSync(refs);
  for (const f of ['sword.png', 'shield.png']) copyFileSync(join(EXAMPLES, f), join(refs, f));
  const items = ['mug', 'lamp', 'chair', 'vase', 'clock', 'kettle'];
  for (const [name, offset] of [['Spring', 0], ['Autumn', 3]] as const) {
    const rows = items.slice(offset, offset + counts.reviewPerBatch).map((x) => `${x}-${name.toLowerCase()},a ${name.toLowerCase()} ${x} on a table`);
    const csv = join(root, `${name}.csv`);
    writeFileSync(csv, `name,prompt\n${rows.join('\n')}\n`);
    cli(['run', csv, '--refs', refs, '--pack', join(packs, 'test-sdxl'), '--threshold', '0.99', '--retries', '0', '--steps', '2', '--name', name, '--data-dir', dataDir, '--json']);
  }
  await seedLibrary(dataDir, counts);
  return dataDir;
}

/** Synthetic library rows with real files: PNGs for exports, a few distinct thumbnails cycled. */
export async function seedLibrary(dataDir: string, counts: Pick<SeedCounts, 'active' | 'archived' | 'deleted'>, distinctThumbs = 24): Promise<void> {
  const n = counts.active + counts.archived + counts.deleted;
  const ctx = openAppContext(dataDir);
  try {
    const { rows } = fillSyntheticLibrary(ctx.db, { n, batches: 3, seed: 12 });
    const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 60, g: 110, b: 170 } } }).png().toBuffer();
    const thumbs: string[] = [];
    for (let i = 0; i < distinctThumbs; i++) {
      const rel = join('thumbnails', `synthetic-${i}.jpg`);
      const hue = (i * 47) % 255;
      const jpg = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: hue, g: 255 - hue, b: (hue * 3) % 255 } } }).jpeg({ quality: 80 }).toBuffer();
      mkdirSync(join(ctx.dataDir.library, 'thumbnails'), { recursive: true });
      writeFileSync(join(ctx.dataDir.library, rel), jpg);
      thumbs.push(rel);
    }
    const now = Date.now();
    // Recent dates: the app's background sweep archives active assets older than 90 days.
    const upd = ctx.db.prepare(`UPDATE assets SET state = ?, deleted_at = ?, archived_at = ?, thumb_rel_path = ?, created_at = ?, updated_at = ? WHERE id = ?`);
    ctx.db.transaction(() => {
      rows.forEach((r, i) => {
        const state = i < counts.active ? 'active' : i < counts.active + counts.archived ? 'archived' : 'deleted';
        r.state = state;
        const created = now - 3600_000 - Math.floor(i / 3) * 60_000;
        upd.run(state, state === 'deleted' ? now : null, state === 'archived' ? now : null, thumbs[i % thumbs.length], created, created, r.id);
      });
    })();
    for (const r of rows) {
      const file = join(ctx.dataDir.library, 'raw', r.batchId, `${r.id}.png`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, png);
    }
  } finally {
    ctx.close();
  }
}
