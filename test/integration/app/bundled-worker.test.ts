import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { WorkerPool } from '../../../main/inference/worker-pool.ts';
import { createSdxlClient } from '../../../main/inference/sdxl-client.ts';
import { createTestPack } from '../../../models/test-pack/create-test-pack.ts';
// @ts-expect-error -- plain .mjs build helper without type declarations
import { esmBundleOptions } from '../../../scripts/bundle-options.mjs';

// The Electron app runs the inference worker from an esbuild bundle, not through tsx: build it
// with the shipping options and generate an image through it.
describe('bundled inference worker', () => {
  it('generates through the esbuild bundle exactly as through the sources', async () => {
    // Inside the project so the bundle's external imports (sharp, onnxruntime-node) resolve.
    mkdirSync(join(process.cwd(), 'dist'), { recursive: true });
    const out = mkdtempSync(join(process.cwd(), 'dist', '.bundle-test-'));
    await build({ ...(esmBundleOptions(process.cwd()) as object), entryPoints: { 'inference.worker': 'workers/inference.worker.ts' }, outdir: out, logLevel: 'error' });
    const pack = join(mkdtempSync(join(tmpdir(), 'aq-bundle-')), 'sdxl');
    await createTestPack(pack, { kind: 'sdxl' });
    const req = { prompt: 'a red sword', width: 64, height: 64, steps: 3, seed: 7 };
    const bundled = new WorkerPool({ entry: { code: `import(${JSON.stringify(pathToFileURL(join(out, 'inference.worker.mjs')).href)});` } });
    const sources = new WorkerPool();
    try {
      const a = await (await createSdxlClient(bundled, pack)).generate(req);
      const b = await (await createSdxlClient(sources, pack)).generate(req);
      expect(a.image.width).toBe(64);
      expect(Buffer.from(a.image.data).equals(Buffer.from(b.image.data))).toBe(true);
    } finally {
      await bundled.close();
      await sources.close();
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
