import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseA1111Parameters, parseLoraTags } from '../../../main/library/a1111-parameters.ts';
import { libraryFile } from '../../../main/library/library-paths.ts';
import { readPngParameters } from '../../../main/library/read-png-parameters.ts';
import { searchAssets } from '../../../main/library/search-assets.ts';
import { storeAsset } from '../../../main/library/store-asset.ts';
import { createLibraryFixture, sharedImage, type LibraryFixture } from './library-fixture.ts';

describe('recipes record the checkpoint and LoRAs (A1111 form) and the library filters by them', () => {
  let fx: LibraryFixture;
  beforeEach(() => {
    fx = createLibraryFixture();
  });
  afterEach(() => fx.cleanup());

  it('writes Model, Model hash and <lora:name:scale>, reads them back, filters', async () => {
    const base = { batchId: fx.batchId, params: { steps: 20, guidance: 6, sampler: 'euler', seed: 7 } };
    const { asset } = await storeAsset(fx, {
      ...base,
      name: 'styled',
      image: await sharedImage('brick.png', 24),
      prompt: 'a castle',
      model: 'my-style',
      modelHash: '31e35c80fc',
      loras: [
        { name: 'pixel art', scale: 0.8, hash: 'aabbccddeeff' },
        { name: 'ink', scale: -0.5 },
      ],
    });
    await storeAsset(fx, { ...base, name: 'plain', image: await sharedImage('grass.png', 24), prompt: 'a field', model: 'sdxl-base-1.0' });

    const parsed = await readPngParameters(libraryFile(fx.dataDir, asset.relPath));
    expect(parsed?.prompt).toBe('a castle <lora:pixel art:0.8> <lora:ink:-0.5>');
    expect(parsed?.settings).toMatchObject({ 'Model hash': '31e35c80fc', Model: 'my-style', 'Lora hashes': 'pixel art: aabbccddeeff' });
    expect(parseLoraTags(parsed!.prompt)).toEqual([
      { name: 'pixel art', scale: 0.8 },
      { name: 'ink', scale: -0.5 },
    ]);
    // An A1111-written prompt parses the same way.
    expect(parseLoraTags(parseA1111Parameters('girl <lora:add_detail:1> smiling\nSteps: 20, Sampler: Euler, Seed: 1').prompt)).toEqual([{ name: 'add_detail', scale: 1 }]);

    expect(searchAssets(fx.db, { model: 'my-style' }).items.map((a) => a.name)).toEqual(['styled']);
    expect(searchAssets(fx.db, { model: 'sdxl-base-1.0' }).items.map((a) => a.name)).toEqual(['plain']);
    expect(searchAssets(fx.db, { lora: 'ink' }).items.map((a) => a.name)).toEqual(['styled']);
    expect(searchAssets(fx.db, { lora: 'nope' }).items).toEqual([]);
  });
});
