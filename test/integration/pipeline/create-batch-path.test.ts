import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPipeline, type PipelineEngine } from '../../../main/pipeline/engine.ts';
import { createBatchFromCsv, type CreateBatchDeps } from '../../../main/runtime/create-batch.ts';
import { searchAssets } from '../../../main/library/search-assets.ts';
import { tagAsset } from '../../../main/library/tag-asset.ts';
import type { Tagger } from '../../../main/library/tagger.ts';
import { colourStages } from './support/colour-stages.ts';
import { writeRefs } from './support/cli-fixtures.ts';
import { tempLibrary, type TempLibrary } from './support/fixtures.ts';

let lib: TempLibrary | undefined;
let engine: PipelineEngine | undefined;
afterEach(async () => {
  await engine?.stop();
  lib?.cleanup();
});

describe('one way to create a batch', () => {
  it('reuses the profile built from the same reference files; the CSV category becomes the asset category and survives auto-tagging', async () => {
    lib = tempLibrary();
    const l = lib;
    engine = createPipeline({ db: l.db, stages: colourStages({ db: l.db, dataDir: l.dataDir, thumbnails: false }), config: { idlePollMs: 20 } });
    await engine.start();
    await writeRefs(join(l.dir, 'refs'));
    const csv = join(l.dir, 'items.csv');
    writeFileSync(csv, 'name,prompt,category\nmug,a ceramic mug,kitchenware\nlamp,a desk lamp,lighting\n');
    const deps: CreateBatchDeps = { db: l.db, dataDir: l.dataDir, resolvePack: () => ({ id: 'test-colour-v1', manifest: null }), embedder: async () => null, claudeKey: async () => null };
    const input = {
      csvPath: csv, csvName: 'items.csv', promptColumn: null, template: null, negativePrompt: '',
      style: { colours: 'on', lighting: 'on', composition: 'on', medium: 'on' } as const, profileId: null,
      refPaths: [join(l.dir, 'refs', 'ref-2.png'), join(l.dir, 'refs', 'ref-1.png')],
      config: { width: 1024, height: 1024, thresholds: { style: 0 } }, source: 'ui' as const, start: true,
    };
    const first = await createBatchFromCsv(deps, engine, { ...input, name: 'one' });
    const second = await createBatchFromCsv(deps, engine, { ...input, name: 'two', refPaths: [...input.refPaths].reverse() });
    expect(first.reusedProfile).toBe(false);
    expect(second.reusedProfile).toBe(true);
    expect(engine.getBatch(second.batchId)!.profileId).toBe(engine.getBatch(first.batchId)!.profileId);
    await engine.waitForBatch(first.batchId);
    const hits = searchAssets(l.db, { category: 'kitchenware', batchId: first.batchId });
    expect(hits.items.map((a) => a.name)).toEqual(['mug']);
    // An automatic tagger that wants another category does not overwrite the CSV's.
    const tagger: Tagger = { source: 'clip', tagImage: async () => ({ source: 'clip', tags: [{ tag: 'chair', group: 'objects', confidence: 0.9 }], category: 'furniture', subcategories: [] }) };
    await tagAsset({ db: l.db, dataDir: l.dataDir }, hits.items[0]!.id, tagger);
    expect(searchAssets(l.db, { category: 'kitchenware', batchId: first.batchId }).items).toHaveLength(1);
  });
});
