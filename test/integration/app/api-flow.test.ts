import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../../main/api/app-services.ts';
import type { RequestContext } from '../../../main/api/registry.ts';
import type { RequestArg, RequestName, RequestResult } from '../../../preload/api.ts';

// The whole production flow through the same registry the UI uses (no transport), on tiny
// random-weight packs: test packs → uploads → parse → preview → batch → review → library.
let s: AppServices;
const ctx: RequestContext = { transport: 'test', fileUrl: (p) => `/files/${p}` };

async function call<K extends RequestName>(name: K, arg: RequestArg<K>): Promise<RequestResult<K>> {
  const r = await s.registry.dispatch(name, arg, ctx);
  if (!r.ok) throw new Error(`${name}: ${r.error.kind}: ${r.error.message}`);
  return r.value as RequestResult<K>;
}

const examples = join(process.cwd(), 'resources/examples');
const upload = (file: string, name: string) => call('uploads.put', { name, dataBase64: readFileSync(file).toString('base64') });

beforeAll(async () => {
  s = await createAppServices({ dataDir: mkdtempSync(join(tmpdir(), 'aq-flow-')), transport: 'test', background: true });
});
afterAll(async () => {
  await s.close();
});

describe('app API flow on tiny packs', () => {
  it('runs a batch from uploads to review and approval', async () => {
    const packs = await call('models.createTestPacks', undefined);
    expect(packs.map((p) => p.id).sort()).toEqual(['test-clip', 'test-sdxl']);
    expect((await call('models.list', undefined)).filter((p) => p.installed && p.testPack)).toHaveLength(2);

    const csv = await upload(join(examples, 'fantasy-items.csv'), 'fantasy-items.csv');
    const refs = await Promise.all(['sword.png', 'shield.png', 'potion.png'].map((f) => upload(join(examples, 'fantasy-items', f), f)));
    const report = await call('intake.parseCsv', { uploadId: csv.uploadId });
    expect(report.rowCount).toBe(36);
    expect(report.columns).toContain('material');
    const refReport = await call('intake.checkRefs', { uploadIds: refs.map((r) => r.uploadId) });
    expect(refReport.every((r) => r.ok)).toBe(true);

    const plan = {
      csvUploadId: csv.uploadId, promptColumn: null, template: readFileSync(join(examples, 'fantasy-items.template.txt'), 'utf8').trim(),
      negativePrompt: 'blurry', style: { colours: 'on', lighting: 'on', composition: 'off', medium: 'locked' } as const,
      profileId: null, refUploadIds: refs.map((r) => r.uploadId),
    };
    const preview = await call('intake.preview', { plan, limit: 3 });
    expect(preview.prompts).toHaveLength(3);
    expect(preview.prompts[0]?.prompt).toMatch(/longsword/);
    expect(preview.preflightAvailable).toBe(true);
    expect(preview.prompts[0]?.confidence).toBeTypeOf('number');

    const settings = await call('settings.get', undefined);
    const created = await call('batches.create', {
      name: 'Fantasy items', plan,
      config: { width: 64, height: 64, steps: 4, guidance: 7.5, sampler: 'euler', seed: { mode: 'fixed', base: 1 }, packId: 'test-sdxl', retries: 1, concurrency: 1, lowConfidence: 'continue', polish: false, thresholds: { ...settings.thresholds, style: 0.3 } },
    });
    expect(created.tasks).toBe(36);

    let batch = await call('batches.get', { id: created.batchId });
    for (let i = 0; i < 600 && batch.state !== 'done'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      batch = await call('batches.get', { id: created.batchId });
    }
    expect(batch.state).toBe('done');
    const count = (s: string) => batch.counts.statuses.find((x) => x.status === s)?.count;
    expect((count('ready') ?? 0) + (count('review') ?? 0)).toBe(36);

    // One snapshot: the rows' statuses add up to the counts that came with them.
    const view = await call('batches.tasks', { id: created.batchId });
    const tasks = view.tasks;
    expect(tasks).toHaveLength(36);
    for (const s of view.batch.counts.statuses) expect(tasks.filter((t) => t.status === s.status && t.statusLabel === s.label).length).toBe(s.count);
    const detail = await call('tasks.get', { id: tasks[0]!.id });
    expect(detail.attemptsList.length).toBeGreaterThan(0);
    expect(detail.attemptsList[0]?.scores?.styleScore).toBeTypeOf('number');

    const review = await call('review.list', undefined);
    expect(review.length).toBe(count('review'));
    if (review.length > 0) {
      expect(review[0]?.refUrls).toHaveLength(3);
      expect(review[0]?.imageUrl).toMatch(/^\/files\//);
      const approved = await call('review.approve', { taskIds: [review[0]!.taskId] });
      expect(approved.approved).toBe(1);
      expect((await call('tasks.get', { id: review[0]!.taskId })).state).toBe('ready');
    }
    // Random-weight CLIP scores every prompt low: each row got a delta report with a rewrite, and
    // each report followed its row: the row ran with its prompt as it was, so none is left open.
    expect(await call('delta.list', { batchId: created.batchId, status: 'open' })).toHaveLength(0);
    const deltas = await call('delta.list', { batchId: created.batchId, status: 'all' });
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas.every((d) => d.status === 'ran')).toBe(true);
    expect(deltas[0]?.suggestion.length).toBeGreaterThan(deltas[0]!.prompt.length);
    await expect(call('delta.resolve', { id: deltas[0]!.id, action: 'accept' })).rejects.toThrow(/already ran/);
    const metrics = await call('metrics.get', {});
    expect(metrics.scoreHistogram.counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const profile = await call('profiles.get', { id: batch.profileId! });
    expect(profile.palette.length).toBeGreaterThan(0);
    expect(profile.drift[0]?.batchId).toBe(created.batchId);
  }, 180_000);

  it('holds low-confidence rows when the batch says so; accepting a suggestion rewrites and releases the row', async () => {
    const csv = await upload(join(examples, 'fantasy-items.csv'), 'fantasy-items.csv');
    const refs = await Promise.all(['sword.png', 'shield.png'].map((f) => upload(join(examples, 'fantasy-items', f), f)));
    const plan = {
      csvUploadId: csv.uploadId, promptColumn: null, template: 'icon of a {item}', negativePrompt: '',
      style: { colours: 'off', lighting: 'off', composition: 'off', medium: 'off' } as const, profileId: null, refUploadIds: refs.map((r) => r.uploadId),
    };
    const settings = await call('settings.get', undefined);
    const created = await call('batches.create', {
      name: 'Held rows', plan,
      config: { width: 64, height: 64, steps: 2, guidance: 7, sampler: 'euler', seed: { mode: 'fixed', base: 3 }, packId: 'test-sdxl', retries: 0, concurrency: 1, lowConfidence: 'hold', polish: false, thresholds: { ...settings.thresholds, preflight: 0.99 } },
    });
    expect(created.held).toBeGreaterThan(0);
    const deltas = await call('delta.list', { batchId: created.batchId, status: 'open' });
    const target = deltas.find((d) => d.taskId)!;
    const keyOf = () => (s.app.db.prepare('SELECT task_key AS k FROM tasks WHERE id = ?').get(target.taskId) as { k: string }).k;
    const keyBefore = keyOf();
    const accepted = await call('delta.resolve', { id: target.id, action: 'accept' });
    expect(keyOf()).not.toBe(keyBefore);
    expect(accepted.status).toBe('accepted');
    const task = await call('tasks.get', { id: target.taskId! });
    expect(task.prompt).toBe(target.suggestion);
    expect(task.held).toBe(false);
    const keys = s.app.db.prepare('SELECT task_key AS k FROM tasks WHERE batch_id = ?').all(created.batchId) as { k: string }[];
    expect(new Set(keys.map((r) => r.k)).size).toBe(keys.length);
    await call('batches.cancel', { id: created.batchId });
  }, 60_000);

  it('starts a batch when a CSV and its references folder are dropped into the hot folder', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'aq-hot-'));
    await call('settings.update', { hotFolder: { enabled: true, path: folder } });
    const before = (await call('batches.list', undefined)).length;
    cpSync(join(examples, 'fantasy-items'), join(folder, 'drop-test'), { recursive: true });
    writeFileSync(join(folder, 'drop-test.json'), JSON.stringify({ template: 'icon of a {item}', config: { packId: 'test-sdxl', width: 64, height: 64, steps: 2 } }));
    cpSync(join(examples, 'fantasy-items.csv'), join(folder, 'drop-test.csv'));
    await expect.poll(async () => (await call('batches.list', undefined)).length, { timeout: 30_000, interval: 250 }).toBe(before + 1);
    const batch = (await call('batches.list', undefined)).find((b) => b.name === 'drop-test');
    expect(batch?.counts.total).toBe(36);
    await expect.poll(() => existsSync(join(folder, 'done', 'drop-test.csv')), { timeout: 10_000 }).toBe(true);
    await call('settings.update', { hotFolder: { enabled: false } });
  }, 60_000);

  it('searches the library, edits tags, finds similar images and exports a ZIP', async () => {
    const all = await call('library.search', { text: '' });
    expect(all.items.length).toBeGreaterThan(0);
    const first = all.items[0]!;
    const detail = await call('library.get', { id: first.id });
    expect(detail.recipe).toMatch(/Steps: \d+, Sampler: .*Seed: \d+, Size: 64x64/);
    expect(detail.tags.length).toBeGreaterThanOrEqual(5);
    const edited = await call('library.setTags', { id: first.id, tags: ['hero-item', ...detail.tags.slice(1).map((t) => t.tag)] });
    expect(edited.tags.find((t) => t.tag === 'hero-item')?.source).toBe('user');
    expect((await call('library.search', { text: 'hero-item' })).items.map((i) => i.id)).toContain(first.id);
    expect((await call('library.search', { text: '"unbalanced (quote NEAR' })).items).toEqual([]);
    const similar = await call('library.similar', { assetId: first.id, k: 5 });
    expect(similar[0]?.id).toBe(first.id);
    const facets = await call('library.facets', undefined);
    expect(facets.tags.map((t) => t.tag)).toContain('hero-item');

    const out = mkdtempSync(join(tmpdir(), 'aq-export-'));
    const done = new Promise<string>((resolve, reject) => {
      const off = s.bus.subscribe((name, payload) => {
        if (name !== 'export.progress') return;
        const p = payload as { state: string; outPath: string | null; error: string | null };
        if (p.state === 'done') { off(); resolve(p.outPath ?? ''); }
        if (p.state === 'failed') { off(); reject(new Error(p.error ?? 'export failed')); }
      });
    });
    await call('export.start', { format: 'zip', outDir: out, assetIds: all.items.map((i) => i.id) });
    const zipPath = await done;
    expect(zipPath.startsWith(out)).toBe(true);
    expect(zipPath.endsWith('.zip')).toBe(true);
    await expect(call('export.start', { format: 'zip', outDir: 'relative/dir', assetIds: [first.id] })).rejects.toThrow(/absolute/);
  }, 60_000);
});
