import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../main/cli/command.ts';
import { modelsCommand } from '../../../main/cli/commands/models.ts';
import { openAppContext } from '../../../main/core/app-context.ts';
import { ensureLoraVariant, listVariants } from '../../../main/style-weights/lora-variants.ts';
import { readProvenance } from '../../../main/style-weights/pack-provenance.ts';
import { writeSafetensors } from '../../../models/safetensors/write-safetensors.ts';
import { createLayoutTestPack } from '../../../models/test-pack/layout-test-pack.ts';
import { writeCheckpoint } from '../../unit/weights/weights-fixtures.ts';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'assetql-style-cli-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function fakeIo(): { io: CliIo; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (c: Buffer) => (o += c.toString()));
  stderr.on('data', (c: Buffer) => (e += c.toString()));
  return { io: { stdout, stderr, cwd: root, env: {}, signal: new AbortController().signal }, out: () => o, err: () => e };
}

const data = (): string[] => ['--data-dir', join(root, 'data')];

describe('assetql models import / lora', () => {
  it('imports a checkpoint as a new pack, imports a LoRA, bakes a cached variant', async () => {
    await createLayoutTestPack(join(root, 'base'), 'optimum', { id: 'tiny-base' });
    expect(await modelsCommand.run(['locate', 'tiny-base', join(root, 'base'), ...data()], fakeIo().io)).toBe(0);
    await writeCheckpoint(join(root, 'my-style.safetensors'), 4);

    let io = fakeIo();
    expect(await modelsCommand.run(['import', 'my-style.safetensors', '--base', 'tiny-base', '--json', ...data()], io.io)).toBe(0);
    const imported = JSON.parse(io.out()) as { packId: string; mapped: number; unmapped: { key: string }[]; smoke: { ok: boolean }; sha256: string };
    expect(imported).toMatchObject({ packId: 'my-style', smoke: { ok: true } });
    expect(imported.unmapped.map((u) => u.key)).toEqual(['model.diffusion_model.not_a_real_layer.weight']);

    io = fakeIo();
    expect(await modelsCommand.run(['list', '--json', ...data()], io.io)).toBe(0);
    expect(io.out()).toContain('my-style');

    // A second import under the same name is refused; so is an SD 1.5 file.
    io = fakeIo();
    expect(await modelsCommand.run(['import', 'my-style.safetensors', '--base', 'tiny-base', ...data()], io.io)).toBe(1);
    expect(io.err()).toMatch(/a pack "my-style" already exists/);
    await writeSafetensors(join(root, 'sd15.safetensors'), [{ name: 'cond_stage_model.transformer.text_model.final_layer_norm.weight', shape: [1], dtype: 'F32', values: [1] }]);
    io = fakeIo();
    expect(await modelsCommand.run(['import', 'sd15.safetensors', '--base', 'tiny-base', ...data()], io.io)).toBe(2);
    expect(io.err()).toMatch(/Stable Diffusion 1\.x checkpoint/);

    const m = 'lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q';
    await writeSafetensors(
      join(root, 'pixel.safetensors'),
      [
        { name: `${m}.lora_down.weight`, shape: [2, 8], dtype: 'F32', values: Array.from({ length: 16 }, (_, i) => i / 16) },
        { name: `${m}.lora_up.weight`, shape: [8, 2], dtype: 'F32', values: Array.from({ length: 16 }, (_, i) => -i / 16) },
      ],
      { ss_tag_frequency: JSON.stringify({ set: { 'pixel art': 9, sprite: 4 } }) },
    );
    io = fakeIo();
    expect(await modelsCommand.run(['lora', 'import', 'pixel.safetensors', ...data()], io.io)).toBe(0);
    expect(io.out()).toContain('trigger words: pixel art, sprite');
    io = fakeIo();
    expect(await modelsCommand.run(['lora', 'list', '--json', ...data()], io.io)).toBe(0);
    const loras = (JSON.parse(io.out()) as { loras: { id: string; name: string }[] }).loras;
    expect(loras.map((l) => l.name)).toEqual(['pixel']);

    const ctx = openAppContext(join(root, 'data'));
    try {
      const pack = { id: 'my-style', dir: join(root, 'data', 'models', 'my-style') };
      const v1 = await ensureLoraVariant(ctx.db, ctx.dataDir, pack, [{ id: loras[0]!.id, scale: 0.8 }]);
      expect(v1.cached).toBe(false);
      const v2 = await ensureLoraVariant(ctx.db, ctx.dataDir, pack, [{ id: 'pixel', scale: 0.8 }]);
      expect(v2).toMatchObject({ cached: true, dir: v1.dir });
      expect(readProvenance(v1.dir)).toMatchObject({ basePack: 'my-style', checkpoint: { name: 'my-style', sha256: imported.sha256 }, loras: [{ name: 'pixel', scale: 0.8 }] });
      const v3 = await ensureLoraVariant(ctx.db, ctx.dataDir, pack, [{ id: 'pixel', scale: 0.5 }]);
      expect(v3.dir).not.toBe(v1.dir);
      expect(listVariants(ctx.db, ctx.dataDir)).toHaveLength(2);
    } finally {
      ctx.close();
    }
    io = fakeIo();
    expect(await modelsCommand.run(['lora', 'cache', '--limit', '0', '--json', ...data()], io.io)).toBe(0);
    expect((JSON.parse(io.out()) as { variants: unknown[] }).variants).toHaveLength(0);
    io = fakeIo();
    expect(await modelsCommand.run(['lora', 'remove', 'pixel', ...data()], io.io)).toBe(0);

    // IP-Adapter: graph surgery onto the imported pack, smoke-tested, installed as a new pack.
    await writeSafetensors(join(root, 'ip-adapter_sdxl.safetensors'), [
      { name: 'image_proj.proj.weight', shape: [2 * 24, 6], dtype: 'F32', values: new Float32Array(2 * 24 * 6).fill(0.01) },
      { name: 'image_proj.proj.bias', shape: [2 * 24], dtype: 'F32', values: new Float32Array(48) },
      { name: 'image_proj.norm.weight', shape: [24], dtype: 'F32', values: new Float32Array(24).fill(1) },
      { name: 'image_proj.norm.bias', shape: [24], dtype: 'F32', values: new Float32Array(24) },
      { name: 'ip_adapter.1.to_k_ip.weight', shape: [8, 24], dtype: 'F32', values: new Float32Array(8 * 24).fill(0.02) },
      { name: 'ip_adapter.1.to_v_ip.weight', shape: [8, 24], dtype: 'F32', values: new Float32Array(8 * 24).fill(-0.02) },
    ]);
    io = fakeIo();
    expect(await modelsCommand.run(['ip-adapter', 'install', 'ip-adapter_sdxl.safetensors', '--base', 'my-style', '--name', 'my-style-ip', '--head-dim', '4', '--json', ...data()], io.io)).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({ ok: true, packId: 'my-style-ip', layers: 1, tokens: 2, embedDim: 6 });
    expect(existsSync(join(root, 'data', 'loras'))).toBe(true);
  });
});
