import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { exportZip } from '../../main/library/export/export-zip.ts';
import type { ExportItem } from '../../main/library/export/export-item.ts';

interface BenchCase {
  name: string;
  /** what the ratio compares */
  baseline: string;
  run(): Promise<{ figures: Record<string, number>; notes?: string }>;
}

const run = promisify(execFile);
const COUNT = Number(process.env['ASSETQL_BENCH_ZIP_FILES'] ?? 200);
// Noise does not compress, so a 590×590 RGB PNG is ~1 MB, like a real photo-like asset.
const SIDE = 590;

async function makeFiles(dir: string): Promise<ExportItem[]> {
  const items: ExportItem[] = [];
  for (let i = 0; i < COUNT; i++) {
    const filePath = join(dir, `img-${String(i).padStart(4, '0')}.png`);
    const info = await sharp(randomBytes(SIDE * SIDE * 3), { raw: { width: SIDE, height: SIDE, channels: 3 } })
      .png({ compressionLevel: 1 })
      .toFile(filePath);
    items.push({
      assetId: `a${i}`, name: `img-${i}`, filePath, width: SIDE, height: SIDE, fileSize: info.size, prompt: 'noise', negativePrompt: '',
      seed: i, model: 'bench', params: {}, scores: {}, styleScore: null, tags: [], category: null, subcategories: [], batchId: 'bench',
      createdAt: new Date(0).toISOString(),
    });
  }
  return items;
}

export const cases: BenchCase[] = [
  {
    name: `zip export of ${COUNT} ~1 MB PNGs (MB/s)`,
    baseline: 'system `zip -0 -q` (stored, same files, same disk) in the same run; ratio = assetql MB/s ÷ zip MB/s',
    async run() {
      const dir = await mkdtemp(join(tmpdir(), 'assetql-bench-zip-'));
      try {
        const items = await makeFiles(dir);
        const totalMB = items.reduce((s, it) => s + it.fileSize, 0) / 1e6;
        // Warm the page cache equally for both sides.
        await run('zip', ['-0', '-q', join(dir, 'warm.zip'), ...items.map((i) => i.filePath)]);
        await rm(join(dir, 'warm.zip'));

        const t0 = performance.now();
        await run('zip', ['-0', '-q', join(dir, 'baseline.zip'), ...items.map((i) => i.filePath)]);
        const zipS = (performance.now() - t0) / 1000;

        const t1 = performance.now();
        const res = await exportZip(items, join(dir, 'out'), { fileName: 'assetql.zip' });
        const oursS = (performance.now() - t1) / 1000;

        const oursBytes = (await stat(join(dir, 'out', res.files[0]!.path))).size;
        const zipBytes = (await stat(join(dir, 'baseline.zip'))).size;
        return {
          figures: {
            files: COUNT,
            input_mb: totalMB,
            assetql_mb_per_s: totalMB / oursS,
            zip_mb_per_s: totalMB / zipS,
            ratio_vs_zip: zipS / oursS,
            archive_size_ratio: oursBytes / zipBytes,
          },
          notes: 'assetql also computes sha256 of every entry and of the archive, and writes metadata.csv/json and two manifests',
        };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  },
];
