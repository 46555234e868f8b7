import { describe, expect, it } from 'vitest';
import { buildInstalledManifest, findPack, loadCatalog, manifestFileRefs, parseCatalog, packTotalBytes } from '../../../models/catalog.ts';
import { PackManifest } from '../../../models/manifest.ts';
import { AppError } from '../../../main/core/app-error.ts';

const catalog = loadCatalog();

describe('models/catalog.json', () => {
  it('lists the packs the product needs', () => {
    const roles = catalog.packs.map((p) => `${p.kind}:${p.role}`);
    expect(roles).toEqual(expect.arrayContaining(['sdxl:generate', 'sdxl:preview', 'clip:embed', 'ip-adapter:style']));
    const base = findPack(catalog, 'sdxl-base-1.0-cuda-fp16');
    expect(base.precision).toBe('float16');
    expect(base.manifest.providers).toEqual(['cuda']);
    const clip = findPack(catalog, 'clip-vit-l14');
    expect(clip.manifest.kind === 'clip' && clip.manifest.embedDim).toBe(768);
  });

  it('every pack has files with https urls on huggingface, positive sizes and valid manifests', () => {
    for (const pack of catalog.packs) {
      if (pack.buildFrom) {
        expect(pack.files).toEqual([]);
        continue;
      }
      expect(pack.files.length).toBeGreaterThan(0);
      expect(packTotalBytes(pack)).toBeGreaterThan(0);
      // No revision could be pinned from here: the downloader must resolve and pin one itself.
      expect(pack.hub?.revision).toBeNull();
      for (const f of pack.files) {
        const u = new URL(f.url);
        expect(u.protocol).toBe('https:');
        expect(u.hostname).toBe('huggingface.co');
        expect(u.pathname).toBe(`/${pack.hub?.repo}/resolve/main/${f.path}`);
        expect(f.size).toBeGreaterThan(0);
        // Nothing from here could be downloaded: claims of verification would be invented.
        expect(f.verified).toBe(false);
      }
      expect(() => PackManifest.parse(pack.manifest)).not.toThrow();
      expect(pack.manifest.id).toBe(pack.id);
    }
  });

  it('every SDXL model has a pack for every provider family: CUDA, the portable GPU family, CPU', () => {
    const models = new Set(catalog.packs.filter((p) => p.kind === 'sdxl').map((p) => p.model));
    expect([...models].sort()).toEqual(['sdxl-base-1.0', 'sdxl-turbo']);
    for (const model of models) {
      const variants = catalog.packs.filter((p) => p.model === model);
      for (const provider of ['cuda', 'dml', 'coreml', 'webgpu', 'cpu'] as const) {
        expect(variants.some((v) => (v.manifest.providers ?? []).includes(provider)), `${model} on ${provider}`).toBe(true);
      }
      const portable = variants.find((v) => v.variant === 'portable-fp16');
      expect(portable?.manifest.providers).toEqual(['cuda', 'dml', 'coreml', 'webgpu']);
      // Built from this model's own fp32 pack, keeping fp32 I/O (the pipeline feeds fp32).
      expect(findPack(catalog, portable!.buildFrom!).variant).toBe('fp32');
      if (portable!.manifest.kind === 'sdxl') expect(portable!.manifest.components.unet.inputs['sample']?.dtype).toBe('float32');
      for (const v of variants) expect(v.manifest.gpuMemory?.length).toBeGreaterThan(0);
    }
  });

  it('downloadable packs bring every file their manifest refers to, tokenizers included', () => {
    for (const pack of catalog.packs.filter((p) => p.downloadable)) {
      const paths = new Set(pack.files.map((f) => f.path));
      for (const ref of manifestFileRefs(pack.manifest)) expect(paths.has(ref), `${pack.id}: ${ref}`).toBe(true);
    }
  });

  it('SDXL manifests use the Optimum I/O names the pipeline reads', () => {
    for (const pack of catalog.packs) {
      if (pack.manifest.kind !== 'sdxl') continue;
      const c = pack.manifest.components;
      expect(Object.keys(c.unet.inputs).sort()).toEqual(['encoder_hidden_states', 'sample', 'text_embeds', 'time_ids', 'timestep']);
      expect(Object.keys(c.unet.outputs)).toEqual(['out_sample']);
      expect(c.text_encoder.outputs['hidden_states.11']).toBeDefined();
      expect(c.text_encoder_2.outputs['hidden_states.31']).toBeDefined();
      expect(c.text_encoder_2.outputs['text_embeds']?.shape).toEqual(['batch_size', 1280]);
      expect(pack.manifest.tokenizer.padTokenId).toBe(49407);
      expect(pack.manifest.tokenizer_2.padTokenId).toBe(0);
    }
  });

  it('fills per-file sha256 and size into the installed manifest', () => {
    const pack = findPack(catalog, 'clip-vit-l14');
    const sha = 'a'.repeat(64);
    const m = buildInstalledManifest(pack, new Map([['onnx/text_model.onnx', { sha256: sha, size: 12 }]]));
    expect(m.kind === 'clip' && m.components.text_model.sha256).toBe(sha);
    expect(m.kind === 'clip' && m.components.text_model.size).toBe(12);
    expect(m.kind === 'clip' && m.components.vision_model.sha256).toBeUndefined();
  });

  it('rejects a broken catalog with the path of the problem', () => {
    const raw = structuredClone(JSON.parse(JSON.stringify(catalog))) as { packs: { files: { url: string }[] }[] };
    raw.packs[0]!.files[0]!.url = 'http://example.com/x.onnx';
    expect(() => parseCatalog(raw, 'cat.json')).toThrowError(/cat\.json is invalid at packs\.0\.files\.0\.url/);
    const dup = JSON.parse(JSON.stringify(catalog)) as { packs: unknown[] };
    dup.packs.push(dup.packs[0]);
    expect(() => parseCatalog(dup)).toThrowError(/duplicate pack id/);
  });

  it('unknown pack ids are a NotFound error naming the known ones', () => {
    try {
      findPack(catalog, 'nope');
      throw new Error('no throw');
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).kind).toBe('NotFound');
      expect((err as AppError).message).toContain('sdxl-turbo');
    }
  });
});
