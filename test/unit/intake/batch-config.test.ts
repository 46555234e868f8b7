import { describe, expect, it } from 'vitest';
import { SdxlManifest } from '../../../models/manifest.ts';
import { BatchConfig, parseBatchConfig, serialiseBatchConfig } from '../../../main/intake/config/batch-config.ts';
import { packLimits } from '../../../main/intake/config/pack-limits.ts';

function manifest(overrides: Partial<{ testPack: boolean; distilled: boolean; width: number; height: number; steps: number; guidance: number }>) {
  const spec = { file: 'x.onnx', inputs: {}, outputs: {} };
  return SdxlManifest.parse({
    format: 'assetql-pack/1',
    id: 'tiny',
    name: 'tiny',
    kind: 'sdxl',
    testPack: overrides.testPack ?? false,
    distilled: overrides.distilled ?? false,
    components: { text_encoder: spec, text_encoder_2: spec, unet: spec, vae_decoder: spec },
    tokenizer: { merges: 'm.txt' },
    tokenizer_2: { merges: 'm.txt' },
    scheduler: {},
    vae: {},
    defaults: { width: overrides.width ?? 1024, height: overrides.height ?? 1024, steps: overrides.steps ?? 30, guidance: overrides.guidance ?? 7.5 },
  });
}

describe('batch configuration', () => {
  it('fills validated defaults', () => {
    const c = parseBatchConfig({});
    expect(c).toMatchObject({ width: 1024, height: 1024, steps: 30, guidance: 7.5, sampler: 'euler', retries: 3, lowConfidence: 'continue', polish: false });
    expect(c.thresholds).toEqual({ style: 0.85, clip: 0.85, colour: 15, edge: 0.8, preflight: 0.75 });
    expect(c.seed).toEqual({ mode: 'random', base: 0 });
  });

  it('rejects values outside the SDXL ranges with the field named', () => {
    expect(() => parseBatchConfig({ steps: 20 })).toThrow(/Steps must be between 30 and 50 for this pack \(you gave 20\)\./);
    expect(() => parseBatchConfig({ guidance: 12 })).toThrow(/Guidance \(CFG scale\) must be between 7 and 9 for this pack \(you gave 12\)/);
    expect(() => parseBatchConfig({ width: 1000, height: 1000 })).toThrow(/size 1000x1000 is not allowed for this pack; choose one of 1024x1024/);
    expect(() => parseBatchConfig({ sampler: 'ddim' })).toThrow(/Sampler must be one of “euler”/);
  });

  it('takes sizes and step ranges from a test pack manifest', () => {
    const limits = packLimits(manifest({ testPack: true, width: 64, height: 64, steps: 4, guidance: 1 }));
    const c = parseBatchConfig({ packId: 'tiny' }, limits);
    expect([c.width, c.height, c.steps, c.guidance]).toEqual([64, 64, 4, 1]);
    expect(() => parseBatchConfig({ width: 1024, height: 1024 }, limits)).toThrow(/choose one of 64x64$/);
    expect(packLimits(manifest({ distilled: true, steps: 4, guidance: 0 })).steps.min).toBe(1);
  });

  it('round-trips through the saved JSON unchanged', () => {
    const c = parseBatchConfig({ seed: { mode: 'fixed', base: 7 }, style: { colours: { mode: 'lock' } }, concurrency: 2 });
    expect(BatchConfig.parse(JSON.parse(serialiseBatchConfig(c)))).toEqual(c);
  });
});
