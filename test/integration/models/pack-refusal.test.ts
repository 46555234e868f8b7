import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPack } from '../../../models/test-pack/create-test-pack.ts';
import { runCommand } from '../../../main/cli/commands/run.ts';
import { readPackManifest } from '../../../models/pack-store.ts';
import { preflightPack } from '../../../models/pack-preflight.ts';
import { cliIo, writeCsv, writeRefs } from '../pipeline/support/cli-fixtures.ts';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'assetql-refuse-'));
  // A real (tiny) pack that declares it runs on CUDA only, like the CUDA-optimised SDXL export.
  const pack = join(dir, 'packs', 'cuda-only');
  await createTestPack(pack, { kind: 'sdxl', id: 'sdxl-base-1.0-cuda-fp16' });
  const manifest = JSON.parse(readFileSync(join(pack, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(pack, 'manifest.json'), JSON.stringify({ ...manifest, providers: ['cuda'] }));
  await writeRefs(join(dir, 'refs'));
  writeCsv(join(dir, 'a.csv'), 2);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a batch with a pack the provider cannot run', () => {
  it('`assetql run` refuses before it starts, naming the pack to get', async () => {
    const f = cliIo(dir, { ASSETQL_PROVIDERS: 'cpu' });
    const code = await runCommand.run(['a.csv', '--refs', 'refs', '--pack', 'packs/cuda-only', '--data-dir', 'data'], f.io);
    expect(code).toBe(2);
    expect(f.err()).toMatch(/Pack sdxl-base-1\.0-cuda-fp16 runs only on CUDA \(NVIDIA\), but this machine generates with CPU: get the sdxl-base-1\.0-fp32 pack instead/);
    // Nothing was spent: no batch, no image.
    expect(existsSync(join(dir, 'data', 'library', 'raw'))).toBe(false);
  });

  it('the same pack passes the check on a provider it declares (not a blanket refusal)', async () => {
    const manifest = readPackManifest(join(dir, 'packs', 'cuda-only'));
    await expect(preflightPack(manifest, 64, 64, { provider: async () => 'cuda', gpuMemory: async () => undefined })).resolves.toEqual([]);
    await expect(preflightPack(manifest, 64, 64, { provider: async () => 'dml', gpuMemory: async () => undefined })).rejects.toThrow(/build the sdxl-base-1\.0-portable-fp16 pack instead/);
  });
});
