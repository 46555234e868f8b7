import { createHash } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PackManifest, type ComponentSpec } from '../../../models/manifest.ts';
import { createTestPack } from '../../../models/test-pack/create-test-pack.ts';
import { loadOnnxModel } from '../../../workers/onnx/onnx-model.ts';

async function expectSessionMatches(dir: string, name: string, spec: ComponentSpec): Promise<void> {
  const bytes = await readFile(join(dir, spec.file));
  expect(createHash('sha256').update(bytes).digest('hex')).toBe(spec.sha256);
  expect(bytes.byteLength).toBe(spec.size);
  const model = await loadOnnxModel(join(dir, spec.file), name, { providers: ['cpu'] });
  for (const [io, declared] of [
    [model.inputs, spec.inputs],
    [model.outputs, spec.outputs],
  ] as const) {
    expect([...io.keys()].sort()).toEqual(Object.keys(declared).sort());
    for (const [k, v] of Object.entries(declared)) {
      expect(io.get(k)?.dtype, `${name}.${k}`).toBe(v.dtype);
      expect(io.get(k)?.shape, `${name}.${k}`).toEqual(v.shape);
    }
  }
  await model.release();
}

describe('createTestPack', () => {
  it('writes an SDXL pack with the real I/O names, valid manifest and hashes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'assetql-tp-'));
    // Speed is the benchmarks' business (timed asserts flake on a loaded CI machine).
    const manifest = await createTestPack(dir, { kind: 'sdxl', ipAdapter: { embedDim: 16, tokens: 4 } });
    expect(PackManifest.parse(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')))).toEqual(manifest);
    expect(manifest.testPack).toBe(true);
    const c = manifest.components;
    expect(Object.keys(c.text_encoder.outputs)).toEqual(expect.arrayContaining(['last_hidden_state', 'pooler_output', 'hidden_states.11']));
    expect(c.text_encoder.inputs.input_ids?.dtype).toBe('int32');
    expect(Object.keys(c.text_encoder_2.outputs)).toEqual(expect.arrayContaining(['text_embeds', 'hidden_states.31']));
    expect(c.text_encoder_2.inputs.input_ids?.dtype).toBe('int64');
    expect(Object.keys(c.unet.inputs).sort()).toEqual(['encoder_hidden_states', 'ip_scale', 'ip_tokens', 'sample', 'text_embeds', 'time_ids', 'timestep']);
    expect(c.unet.inputs.timestep?.shape).toEqual([]);
    expect(Object.keys(c.unet.outputs)).toEqual(['out_sample']);
    expect(Object.keys(c.vae_decoder.inputs)).toEqual(['latent_sample']);
    expect(Object.keys(c.vae_decoder.outputs)).toEqual(['sample']);
    expect(Object.keys(c.vae_encoder?.outputs ?? {})).toEqual(['latent_parameters']);
    for (const [name, spec] of Object.entries(c)) if (spec) await expectSessionMatches(dir, name, spec);
  });

  it('writes fp16 / int64-timestep / latent_sample variants', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'assetql-tp-'));
    const m = await createTestPack(dir, { kind: 'sdxl', float16: true, timestep: 'int64-batch', vaeEncoder: 'latent_sample' });
    expect(m.components.unet.inputs.sample?.dtype).toBe('float16');
    expect(m.components.unet.inputs.timestep).toEqual({ dtype: 'int64', shape: ['steps'] });
    expect(Object.keys(m.components.vae_encoder?.outputs ?? {})).toEqual(['latent_sample']);
    for (const [name, spec] of Object.entries(m.components)) if (spec) await expectSessionMatches(dir, name, spec);
  });

  it('writes a CLIP pack: text_model → text_embeds, vision_model → image_embeds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'assetql-tp-'));
    const m = await createTestPack(dir, { kind: 'clip', embedDim: 24 });
    expect(m.embedDim).toBe(24);
    expect(m.components.text_model.outputs.text_embeds?.shape).toEqual(['batch_size', 24]);
    expect(m.components.vision_model.inputs.pixel_values?.dtype).toBe('float32');
    for (const [name, spec] of Object.entries(m.components)) await expectSessionMatches(dir, name, spec);
  });

  it('is reproducible: same options → byte-identical files', async () => {
    const a = await mkdtemp(join(tmpdir(), 'assetql-tp-'));
    const b = await mkdtemp(join(tmpdir(), 'assetql-tp-'));
    const ma = await createTestPack(a, { kind: 'clip' });
    const mb = await createTestPack(b, { kind: 'clip' });
    expect(ma.components.vision_model.sha256).toBe(mb.components.vision_model.sha256);
  });
});
