import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../main/cli/command.ts';
import { modelsCommand } from '../../../main/cli/commands/models.ts';
import { gpuCommand } from '../../../main/cli/commands/gpu.ts';
import { createTestPack } from '../../../models/test-pack/create-test-pack.ts';

let root: string;
function io(env: NodeJS.ProcessEnv = {}): { io: CliIo; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (c: Buffer) => (o += c.toString()));
  stderr.on('data', (c: Buffer) => (e += c.toString()));
  return { io: { stdout, stderr, cwd: root, env, signal: new AbortController().signal }, out: () => o, err: () => e };
}
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'assetql-convert-cli-'));
  await createTestPack(join(root, 'fp32'), { kind: 'sdxl', id: 'sdxl-turbo' });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('assetql models convert / recommend, assetql gpu', () => {
  it('convert --fp16 builds and registers the catalog\'s portable pack, which list then shows installed', async () => {
    const dd = ['--data-dir', join(root, 'data')];
    const f = io();
    expect(await modelsCommand.run(['convert', '--fp16', 'fp32', ...dd], f.io)).toBe(0);
    expect(f.out()).toMatch(/Building sdxl-turbo-portable-fp16 \(portable fp16\) from sdxl-turbo/);
    expect(f.out()).toMatch(/unet: \d+ weights to fp16, \d+ of \d+ ops kept in fp32, \d+ casts/);
    expect(f.out()).toMatch(/vae_decoder: kept in fp32/);
    expect(f.out()).toMatch(/runs on: ?|Installed sdxl-turbo-portable-fp16: runs on cuda, dml, coreml, webgpu/);
    const ls = io();
    await modelsCommand.run(['list', '--json', ...dd], ls.io);
    const row = (JSON.parse(ls.out()) as { packs: Array<{ id: string; state: string }> }).packs.find((p) => p.id === 'sdxl-turbo-portable-fp16');
    expect(row?.state).toBe('ok');
    const missingFlag = io();
    expect(await modelsCommand.run(['convert', 'fp32', ...dd], missingFlag.io)).toBe(2);
    expect(missingFlag.err()).toMatch(/--fp16/);
  });

  it('recommend names the pack per model for the provider in use', async () => {
    const f = io({ ASSETQL_PROVIDERS: 'cpu' });
    expect(await modelsCommand.run(['recommend', '--data-dir', join(root, 'data')], f.io)).toBe(0);
    expect(f.out()).toMatch(/This machine generates with CPU/);
    expect(f.out()).toMatch(/sdxl-base-1\.0: sdxl-base-1\.0-fp32 — assetql models download sdxl-base-1\.0-fp32/);
    const dml = io({ ASSETQL_PROVIDERS: 'dml' });
    await modelsCommand.run(['recommend', '--json', '--data-dir', join(root, 'data')], dml.io);
    const rec = JSON.parse(dml.out()) as { packs: Array<{ packId: string; action: string }> };
    expect(rec.packs).toEqual(expect.arrayContaining([expect.objectContaining({ packId: 'sdxl-turbo-portable-fp16', action: 'installed' }), expect.objectContaining({ packId: 'sdxl-base-1.0-portable-fp16', action: 'build' })]));
  });

  it('gpu status answers without a terminal trick, and unknown subcommands are usage errors', async () => {
    const f = io();
    expect(await gpuCommand.run(['status', '--json'], f.io)).toBe(0);
    const st = JSON.parse(f.out()) as { offered: boolean; ortVersion: string };
    expect(st.ortVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(st.offered).toBe(process.platform === 'linux' && process.arch === 'x64');
    const bad = io();
    expect(await gpuCommand.run(['frobnicate'], bad.io)).toBe(2);
  });
});
