import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../../main/api/app-services.ts';
import type { RequestContext } from '../../../main/api/registry.ts';
import type { RequestArg, RequestName, RequestResult } from '../../../preload/api.ts';
import { sdxlTokenizer } from '../../../workers/clip/count-tokens.ts';

// "Add to references" makes a new profile version whose history says what changed, and the
// token counter reports what the pack's real tokenizer sees (same count as encode()).
let s: AppServices;
const ctx: RequestContext = { transport: 'test', fileUrl: (p) => `/files/${p}` };
const examples = join(process.cwd(), 'resources/examples/fantasy-items');

async function call<K extends RequestName>(name: K, arg: RequestArg<K>): Promise<RequestResult<K>> {
  const r = await s.registry.dispatch(name, arg, ctx);
  if (!r.ok) throw new Error(`${name}: ${r.error.kind}: ${r.error.message}`);
  return r.value as RequestResult<K>;
}

beforeAll(async () => {
  s = await createAppServices({ dataDir: mkdtempSync(join(tmpdir(), 'aq-refs-')), transport: 'test', background: false });
  await call('models.createTestPacks', undefined);
}, 120_000);
afterAll(async () => {
  await s.close();
});

/** A library asset of a batch that uses `profileId`, backed by a real image file. */
function addAsset(profileId: string | null, id: string, image: string): void {
  const db = s.app.db;
  const now = Date.now();
  db.prepare(`INSERT INTO batches (id, name, config, profile_id, profile_version, created_at, updated_at) VALUES (?, ?, '{}', ?, 1, ?, ?)`).run(`b-${id}`, `Batch ${id}`, profileId, now, now);
  const rel = `raw/b-${id}/${id}.png`;
  mkdirSync(join(s.app.dataDir.library, 'raw', `b-${id}`), { recursive: true });
  copyFileSync(join(examples, image), join(s.app.dataDir.library, rel));
  db.prepare(
    `INSERT INTO assets (id, lineage_id, version, batch_id, name, rel_path, file_size, width, height, sha256, prompt, params, seed, model, style_score, category, auto_category, state, created_at, updated_at)
     VALUES (?, ?, 1, ?, ?, ?, 1000, 64, 64, '', 'p', '{}', 1, 'sdxl', 0.9, 'item', 'item', 'active', ?, ?)`,
  ).run(id, id, `b-${id}`, `approved ${id}`, rel, now, now);
}

describe('add to references', () => {
  it('adds an approved asset to its batch profile as a new version, with a history of changes', async () => {
    const uploads = await Promise.all(['sword.png', 'shield.png'].map((f) => call('uploads.put', { name: f, dataBase64: readFileSync(join(examples, f)).toString('base64') })));
    const profile = await call('profiles.create', { name: 'Fantasy', refUploadIds: uploads.map((u) => u.uploadId) });
    expect(profile.history).toHaveLength(1);
    expect(profile.history[0]).toMatchObject({ version: 1, reason: 'created', refCount: 2, params: [] });

    addAsset(profile.id, 'a1', 'potion.png');
    const v2 = await call('library.addToRefs', { assetId: 'a1' });
    expect(v2.version).toBe(2);
    expect(v2.refs).toHaveLength(3);
    expect(v2.versions).toEqual([1, 2]);
    const change = v2.history[1]!;
    expect(change).toMatchObject({ version: 2, reason: 'add-reference', refCount: 3 });
    // A potion among a sword and a shield moves the style: something in palette or parameters changed.
    expect(change.paletteAdded.length + change.paletteRemoved.length + change.params.length).toBeGreaterThan(0);
    for (const p of change.params) expect(p.from).not.toBe(p.to);

    await expect(call('library.addToRefs', { assetId: 'a1' })).rejects.toThrow(/already a reference/);
    expect((await call('profiles.get', { id: profile.id })).version).toBe(2);
  });

  it('says what to do when the batch has no profile, and refuses deleted assets', async () => {
    addAsset(null, 'a2', 'sword.png');
    await expect(call('library.addToRefs', { assetId: 'a2' })).rejects.toThrow(/has no style profile/);
    await call('library.delete', { ids: ['a2'] });
    await expect(call('library.addToRefs', { assetId: 'a2' })).rejects.toThrow(/is deleted/);
  });
});

describe('token counter', () => {
  it('counts with the pack tokenizer and marks the words past the budget', async () => {
    const words = Array.from({ length: 60 }, (_, i) => `word${i} detailed`).join(' ');
    const r = await call('intake.tokenCount', { text: words, packId: 'test-sdxl' });
    const packs = await call('models.list', undefined);
    const tok = await sdxlTokenizer(packs.find((p) => p.id === 'test-sdxl')!.path!);
    expect(r.count).toBe(tok.encodeText(words).length);
    expect(r.limit).toBe(75);
    expect(r.tokenizer).toBe('test-sdxl');
    expect(r.words.reduce((n, w) => n + w.tokens, 0)).toBe(r.count);
    expect(r.count).toBeGreaterThan(r.limit);
    // Words are kept up to the budget, then every later word is cut.
    const firstCut = r.words.findIndex((w) => !w.kept);
    expect(firstCut).toBeGreaterThan(0);
    expect(r.words.slice(firstCut).every((w) => !w.kept)).toBe(true);
    expect(r.words.slice(0, firstCut).reduce((n, w) => n + w.tokens, 0)).toBeLessThanOrEqual(75);

    const short = await call('intake.tokenCount', { text: 'a red sword', packId: 'test-sdxl' });
    expect(short.count).toBeLessThanOrEqual(short.limit);
    expect(short.words.every((w) => w.kept)).toBe(true);
  });

  it('without an installed pack the error says so', async () => {
    await expect(call('intake.tokenCount', { text: 'x', packId: 'no-such-pack' })).rejects.toThrow(/ModelMissing/);
  });
});
