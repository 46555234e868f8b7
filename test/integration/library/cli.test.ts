import { existsSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../../../main/cli/command.ts';
import { searchCommand } from '../../../main/cli/commands/search.ts';
import { similarCommand } from '../../../main/cli/commands/similar.ts';
import { libraryCommand } from '../../../main/cli/commands/library.ts';
import { storeAsset } from '../../../main/library/store-asset.ts';
import { applyAutoTags } from '../../../main/library/tags-repo.ts';
import { getAsset } from '../../../main/library/get-asset.ts';
import { libraryFile } from '../../../main/library/library-paths.ts';
import { createHistogramEmbedder } from './histogram-embedder.ts';
import { createLibraryFixture, sharedImage, type LibraryFixture } from './library-fixture.ts';

async function run(cmd: Command, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await cmd.run(argv, { stdout, stderr, cwd: process.cwd(), env: {}, signal: new AbortController().signal });
  return { code, out, err };
}

describe('assetql search / similar / library', () => {
  let fx: LibraryFixture;
  const ids: string[] = [];
  const embedder = createHistogramEmbedder();
  const D = (s: string): number => Date.parse(`${s}T12:00:00Z`);

  beforeAll(async () => {
    fx = createLibraryFixture();
    const rows: [string, string, string, number, string][] = [
      ['Brick wall', 'red brick wall texture', 'brick.png', 0.7, '2026-01-10'],
      ['Ginger cat', 'a ginger cat portrait', 'chelsea.png', 0.9, '2026-02-10'],
      ['Coffee', 'coffee cup on a table', 'coffee.png', 0.8, '2026-03-10'],
    ];
    for (const [name, prompt, photo, score, date] of rows) {
      const image = await sharedImage(photo, 32);
      const [vector] = await embedder.embedImages([image]);
      const { asset } = await storeAsset(fx, { batchId: fx.batchId, name, prompt, image, params: {}, styleScore: score, now: D(date), embedding: { modelId: embedder.modelId, vector: vector! } });
      applyAutoTags(fx.db, asset.id, { source: 'clip', tags: [{ tag: photo.split('.')[0]!, group: 'objects', confidence: 0.9 }], category: 'test', subcategories: [] });
      ids.push(asset.id);
    }
    fx.db.close(); // the commands open their own connection, as the real CLI does
  });
  afterAll(() => fx.cleanup());

  it('search prints matches and pages with --cursor', async () => {
    const all = await run(searchCommand, ['--data-dir', fx.root, '--json', '--sort', 'score']);
    expect(all.code).toBe(0);
    const parsed = JSON.parse(all.out) as { items: { name: string }[]; total: number; nextCursor: string | null };
    expect(parsed.items.map((a) => a.name)).toEqual(['Ginger cat', 'Coffee', 'Brick wall']);
    expect(parsed.total).toBe(3);

    const p1 = JSON.parse((await run(searchCommand, ['--data-dir', fx.root, '--json', '--limit', '2'])).out) as { items: { name: string }[]; nextCursor: string };
    const p2 = JSON.parse((await run(searchCommand, ['--data-dir', fx.root, '--json', '--limit', '2', '--cursor', p1.nextCursor])).out) as { items: { name: string }[]; nextCursor: null };
    expect([...p1.items, ...p2.items].map((a) => a.name)).toEqual(['Coffee', 'Ginger cat', 'Brick wall']);
    expect(p2.nextCursor).toBeNull();

    const human = await run(searchCommand, ['cof', '--data-dir', fx.root]);
    expect(human.out).toContain('Coffee');
    expect(human.out).toContain('1 shown of 1');
  });

  it('search applies filters and treats hostile text as text', async () => {
    const names = async (argv: string[]): Promise<string[]> =>
      (JSON.parse((await run(searchCommand, [...argv, '--data-dir', fx.root, '--json'])).out) as { items: { name: string }[] }).items.map((a) => a.name);
    expect(await names(['--from', '2026-02-01', '--to', '2026-03-10'])).toEqual(['Coffee', 'Ginger cat']);
    expect(await names(['--min-score', '0.75', '--max-score', '0.85'])).toEqual(['Coffee']);
    expect(await names(['--tag', 'chelsea', '--category', 'test'])).toEqual(['Ginger cat']);
    expect(await names(['"brick" -wall* (textu'])).toEqual(['Brick wall']);
    expect(await names(['brick NEAR(wall)'])).toEqual([]); // NEAR is a word here, and no asset has it
    expect(await names(['--state', 'archived'])).toEqual([]);
  });

  it('search rejects bad flags with exit code 2 and names the flag', async () => {
    const bad = await run(searchCommand, ['--data-dir', fx.root, '--from', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--from is not a date');
    expect((await run(searchCommand, ['--data-dir', fx.root, '--sort', 'size'])).err).toContain('--sort must be');
    expect((await run(searchCommand, ['--data-dir', fx.root, '--state', 'gone'])).err).toContain('--state must be');
    expect((await run(searchCommand, ['--bogus'])).code).toBe(2);
  });

  it('similar by asset id lists the asset first', async () => {
    const res = await run(similarCommand, [ids[1]!, '--k', '3', '--data-dir', fx.root]);
    expect(res.code).toBe(0);
    const lines = res.out.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^1\\.000  ${ids[1]}  Ginger cat$`));
    const missing = await run(similarCommand, ['no-such-thing', '--data-dir', fx.root]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('neither an asset id');
  });

  it('library archive / restore / delete / stats act on files and rows', async () => {
    expect((await run(libraryCommand, ['archive', ids[0]!, '--data-dir', fx.root])).code).toBe(0);
    const stats = JSON.parse((await run(libraryCommand, ['stats', '--json', '--data-dir', fx.root])).out) as { active: number; archived: number };
    expect([stats.active, stats.archived]).toEqual([2, 1]);
    expect((await run(libraryCommand, ['stats', '--data-dir', fx.root])).out).toMatch(/^active 2, archived 1, deleted 0 \(3 versions/);
    expect((await run(libraryCommand, ['restore', ids[0]!, '--data-dir', fx.root])).code).toBe(0);
    expect((await run(libraryCommand, ['delete', ids[2]!, '--data-dir', fx.root])).code).toBe(0);
    const tag = await run(libraryCommand, ['tag', ids[1]!, '--add', 'Mascot', '--json', '--data-dir', fx.root]);
    expect((JSON.parse(tag.out) as { tag: string }[]).map((t) => t.tag)).toContain('mascot');
    const { openDatabase } = await import('../../../main/db/database.ts');
    const db = openDatabase(fx.dataDir.dbPath);
    try {
      const restored = getAsset(db, ids[0]!)!;
      expect(restored.state).toBe('active');
      expect(existsSync(libraryFile(fx.dataDir, restored.relPath))).toBe(true);
      expect(getAsset(db, ids[2]!)!.state).toBe('deleted');
    } finally {
      db.close();
    }
    const unknown = await run(libraryCommand, ['frobnicate', '--data-dir', fx.root]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown subcommand');
  });
});
