import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openAppContext } from '../../../main/core/app-context.ts';
import { toErrorData } from '../../../main/core/app-error.ts';
import { main } from '../../../main/cli/main.ts';
import { openDatabase } from '../../../main/db/database.ts';
import { searchAssets } from '../../../main/library/search-assets.ts';
import { storeAsset } from '../../../main/library/store-asset.ts';
import { createLibraryFixture, type LibraryFixture } from '../library/library-fixture.ts';
import { cliIo } from '../pipeline/support/cli-fixtures.ts';

const fixtures: LibraryFixture[] = [];
afterEach(() => {
  for (const f of fixtures.splice(0)) f.cleanup();
});

function gradient(seed: number): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(32 * 32 * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7 + seed * 31) % 256;
  return { width: 32, height: 32, data };
}

/** A data folder whose library holds three stored assets (real PNGs with their recipe chunk). */
async function libraryWithAssets(): Promise<LibraryFixture> {
  const f = createLibraryFixture('batch-one');
  fixtures.push(f);
  const prompts = ['a copper lantern on a mossy stone', 'a jade teapot with a dragon handle', 'an iron key with ruby inlay'];
  for (let i = 0; i < prompts.length; i++) {
    const t = f.addTask(i + 1);
    await storeAsset(f, {
      batchId: f.batchId,
      taskId: t.taskId,
      taskKey: t.taskKey,
      name: `item-${i + 1}`,
      image: gradient(i),
      prompt: prompts[i]!,
      negativePrompt: 'blurry',
      params: { steps: 4, guidance: 5.5, sampler: 'euler', seed: 1000 + i, width: 32, height: 32 },
      model: 'test-sdxl',
    });
  }
  f.db.close();
  return f;
}

function refusal(fn: () => unknown): { kind: string; message: string; detail?: Record<string, unknown> } {
  try {
    const v = fn() as { close?: () => void };
    v.close?.();
  } catch (err) {
    return toErrorData(err);
  }
  throw new Error('expected the data folder to be refused');
}

describe('integrity at open', () => {
  it('a database overwritten with garbage is refused with its path and the rebuild hint, from code and from the CLI', async () => {
    const f = await libraryWithAssets();
    writeFileSync(f.dataDir.dbPath, Buffer.alloc(8192, 0x5a));
    const e = refusal(() => openAppContext(f.root));
    expect(e.kind).toBe('Unavailable');
    expect(e.detail).toMatchObject({ reason: 'database-damaged', path: f.dataDir.dbPath });
    expect(e.message).toContain(f.dataDir.dbPath);
    expect(e.message).toContain('assetql library rebuild');
    const io = cliIo(f.root);
    expect(await main(['search', 'lantern', '--data-dir', f.root], io.io)).toBe(1);
    expect(io.err()).toContain('is damaged');
    expect(io.err()).not.toMatch(/\n\s+at /);
    // The refused file was not touched.
    expect(statSync(f.dataDir.dbPath).size).toBe(8192);
  });

  it('garbage inside a valid database (damaged pages) fails quick_check and is refused; doctor --db reports it', async () => {
    const f = await libraryWithAssets();
    const db = openDatabase(f.dataDir.dbPath);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.pragma('journal_mode = DELETE');
    db.close();
    const size = statSync(f.dataDir.dbPath).size;
    const pageSize = 4096;
    // Overwrite the last few pages (table/index b-tree pages) with garbage, keep the header.
    const fd = openSync(f.dataDir.dbPath, 'r+');
    writeSync(fd, Buffer.alloc(pageSize * 3, 0xa7), 0, pageSize * 3, size - pageSize * 3);
    closeSync(fd);
    // The writer (app, serve, run) runs quick_check at open: refused before anything is written.
    const e = refusal(() => openAppContext(f.root, { writer: 'test' }));
    expect(e.detail).toMatchObject({ reason: 'database-damaged' });
    const io = cliIo(f.root);
    expect(await main(['doctor', '--db', '--data-dir', f.root], io.io)).toBe(1);
    expect(io.out()).toContain('integrity_check: FAILED');
    expect(io.out()).toContain('assetql library rebuild');
  });

  it('a writer skips quick_check only when the file is exactly as its last clean close left it', async () => {
    const f = await libraryWithAssets();
    const marker = `${f.dataDir.dbPath}.clean-close`;
    expect(existsSync(marker)).toBe(false); // never closed by a writer: the next one checks
    const a = openAppContext(f.root, { writer: 'test' });
    expect(existsSync(marker)).toBe(false); // while open, a crash must leave no marker
    a.close();
    expect(existsSync(marker)).toBe(true);
    // Any change since (here: damaged pages) changes size/mtime, so the next writer checks again.
    const fd = openSync(f.dataDir.dbPath, 'r+');
    const size = statSync(f.dataDir.dbPath).size;
    writeSync(fd, Buffer.alloc(4096 * 3, 0xa7), 0, 4096 * 3, size - 4096 * 3);
    closeSync(fd);
    expect(refusal(() => openAppContext(f.root, { writer: 'test' })).detail).toMatchObject({ reason: 'database-damaged' });
  });

  it('doctor --db on a sound database says ok', async () => {
    const f = await libraryWithAssets();
    const io = cliIo(f.root);
    expect(await main(['doctor', '--db', '--json', '--data-dir', f.root], io.io)).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({ ok: true, problems: [], path: f.dataDir.dbPath });
  });

  it('a 0-byte database beside a library is refused, and `library rebuild` restores the assets searchable', async () => {
    const f = await libraryWithAssets();
    truncateSync(f.dataDir.dbPath, 0);
    for (const s of ['-wal', '-shm']) if (existsSync(f.dataDir.dbPath + s)) truncateSync(f.dataDir.dbPath + s, 0);
    const e = refusal(() => openAppContext(f.root));
    expect(e.detail).toMatchObject({ reason: 'database-missing' });
    expect(e.message).toContain('0 bytes');
    expect(e.message).toContain('assetql library rebuild');
    expect(statSync(f.dataDir.dbPath).size).toBe(0); // not silently re-created

    const io = cliIo(f.root);
    expect(await main(['library', 'rebuild', '--json', '--data-dir', f.root], io.io)).toBe(0);
    const r = JSON.parse(io.out()) as { restored: number; scanned: number; databaseWas: string; movedAside: string[]; batchesRecreated: number };
    expect(r).toMatchObject({ scanned: 3, restored: 3, databaseWas: 'empty', batchesRecreated: 1 });
    expect(r.movedAside[0]).toMatch(/assetql\.db\.empty-/);

    const ctx = openAppContext(f.root);
    try {
      const hits = searchAssets(ctx.db, { text: 'teapot' });
      expect(hits.items.map((a) => a.prompt)).toEqual(['a jade teapot with a dragon handle']);
      const a = hits.items[0]!;
      expect(a.seed).toBe(1001);
      expect(a.negativePrompt).toBe('blurry');
      expect(a.model).toBe('test-sdxl');
      expect(a.thumbRelPath).toMatch(/^thumbnails\//);
      expect(searchAssets(ctx.db, {}).items).toHaveLength(3);
    } finally {
      ctx.close();
    }
    // Running it again finds everything indexed and changes nothing.
    const again = cliIo(f.root);
    expect(await main(['library', 'rebuild', '--json', '--data-dir', f.root], again.io)).toBe(0);
    expect(JSON.parse(again.out())).toMatchObject({ databaseWas: 'ok', restored: 0, alreadyIndexed: 3, movedAside: [] });
  });

  it('a missing database beside a library is refused too; an empty folder still starts fresh', async () => {
    const f = await libraryWithAssets();
    for (const s of ['', '-wal', '-shm']) rmSync(f.dataDir.dbPath + s, { force: true });
    expect(refusal(() => openAppContext(f.root)).detail).toMatchObject({ reason: 'database-missing' });
    const fresh = createLibraryFixture('b');
    fixtures.push(fresh);
    expect(fresh.db.prepare('SELECT COUNT(*) AS n FROM assets').get()).toEqual({ n: 0 });
  });

  it('the writer cleans crash leftovers at start: stale .tmp files, orphaned attempt images, expired uploads', async () => {
    const f = await libraryWithAssets();
    const old = (Date.now() - 3_600_000) / 1000;
    mkdirSync(f.dataDir.tmp, { recursive: true });
    writeFileSync(join(f.dataDir.tmp, 'dead-write.png'), 'half');
    utimesSync(join(f.dataDir.tmp, 'dead-write.png'), old, old);
    writeFileSync(join(f.dataDir.tmp, 'fresh-write.png'), 'in progress elsewhere');
    const attempts = join(f.dataDir.library, 'attempts', 'batch-one');
    mkdirSync(attempts, { recursive: true });
    writeFileSync(join(attempts, 'kept-1.png'), 'x');
    writeFileSync(join(attempts, 'orphan-1.png'), 'x');
    const upload = join(f.dataDir.library, 'uploads', '00000000-0000-0000-0000-000000000000');
    mkdirSync(upload, { recursive: true });
    writeFileSync(join(upload, 'a.csv'), 'x');
    utimesSync(upload, old - 8 * 86400, old - 8 * 86400);
    // One attempt row refers to kept-1.png.
    const db = openDatabase(f.dataDir.dbPath);
    const task = db.prepare('SELECT id FROM tasks LIMIT 1').get() as { id: string };
    db.prepare(`INSERT INTO attempts (task_id, n, kind, prompt, negative_prompt, params, started_at, image_path) VALUES (?, 1, 'initial', 'p', '', '{}', ?, 'attempts/batch-one/kept-1.png')`).run(task.id, Date.now());
    db.close();

    const reader = openAppContext(f.root);
    expect(reader.leftovers).toBeNull(); // readers never clean
    reader.close();
    expect(existsSync(join(attempts, 'orphan-1.png'))).toBe(true);

    const ctx = openAppContext(f.root, { writer: 'test' });
    expect(ctx.leftovers).toEqual({ tmpFiles: 1, orphanAttemptImages: 1, uploads: 1 });
    ctx.close();
    expect(readdirSync(f.dataDir.tmp)).toEqual(['fresh-write.png']);
    expect(readdirSync(attempts)).toEqual(['kept-1.png']);
    expect(existsSync(upload)).toBe(false);
    // Generated images are never touched.
    expect(readdirSync(join(f.dataDir.library, 'raw', 'batch-one'))).toHaveLength(3);
  });
});
