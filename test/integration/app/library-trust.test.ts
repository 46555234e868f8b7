import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../../main/api/app-services.ts';
import { exportDownloads } from '../../../main/api/export-downloads.ts';
import type { RequestContext } from '../../../main/api/registry.ts';
import { exportDownloadRoute } from '../../../main/server/export-download-route.ts';
import { startUiServer, type UiServer } from '../../../main/server/ui-server.ts';
import type { ExportProgress, RequestArg, RequestName, RequestResult } from '../../../preload/api.ts';
import { fillSyntheticLibrary, type SyntheticRow } from '../library/synthetic-library.ts';

// Issue 12 backend: counts equal what paging reaches, exports take exactly the grid's filter
// (archived only when shown), the browser download is a real ZIP, writes to disk only under
// the export root, delete → undelete → purge, and purge after N days.
let s: AppServices;
let rows: SyntheticRow[];
let server: UiServer;
let root: string;
const N = 1200; // above search's TOTAL_CAP (1000): the header count must still be exact
const test: RequestContext = { transport: 'test', fileUrl: (p) => `/files/${p}` };
const browser: RequestContext = { transport: 'browser', fileUrl: (p) => `/files/${p}` };

async function call<K extends RequestName>(name: K, arg: RequestArg<K>, ctx = test): Promise<RequestResult<K>> {
  const r = await s.registry.dispatch(name, arg, ctx);
  if (!r.ok) throw new Error(`${name}: ${r.error.kind}: ${r.error.message}`);
  return r.value as RequestResult<K>;
}

function progressOf(exportId: string): Promise<ExportProgress> {
  return new Promise((resolve) => {
    const off = s.bus.subscribe((name, payload) => {
      const p = payload as ExportProgress;
      if (name === 'export.progress' && p.exportId === exportId && p.state !== 'running') {
        off();
        resolve(p);
      }
    });
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'aq-trust-'));
  s = await createAppServices({ dataDir: join(root, 'data'), transport: 'test', background: false });
  rows = fillSyntheticLibrary(s.app.db, { n: N, batches: 4, seed: 7 }).rows;
  // Real PNGs behind every row, so exports read real files.
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 40, g: 90, b: 160 } } }).png().toBuffer();
  for (const r of rows) {
    const file = join(s.app.dataDir.library, 'raw', r.batchId, `${r.id}.png`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, png);
  }
  const rendererDir = join(root, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  server = await startUiServer({
    registry: s.registry, bus: s.bus, rendererDir, libraryDir: s.app.dataDir.library, token: 'tok-trust',
    routes: [exportDownloadRoute(exportDownloads(s), s.bus)],
  });
}, 60_000);

afterAll(async () => {
  await server.close();
  await s.close();
});

const count = (state: SyntheticRow['state'], batchId?: string): number => rows.filter((r) => r.state === state && (!batchId || r.batchId === batchId)).length;

describe('library counts', () => {
  it('the first page counts exactly what paging to the end reaches, per state', async () => {
    for (const state of ['active', 'archived', 'deleted'] as const) {
      const first = await call('library.search', { text: '', state, limit: 500 });
      let reached = first.items.length;
      let cursor = first.nextCursor;
      while (cursor) {
        const page = await call('library.search', { text: '', state, limit: 500, cursor });
        reached += page.items.length;
        cursor = page.nextCursor;
      }
      expect(first.totalExact).toBe(true);
      expect(first.total).toBe(count(state));
      expect(reached).toBe(first.total);
    }
    expect(count('active')).toBeGreaterThan(1000);
  });
});

describe('exports take exactly the filter', () => {
  it('a ZIP of the Active filter holds no archived asset; the Archived filter only archived ones', async () => {
    const out = mkdtempSync(join(tmpdir(), 'aq-trust-out-'));
    for (const state of ['active', 'archived'] as const) {
      const { exportId } = await call('export.start', { format: 'zip', outDir: join(out, state), query: { state, batchId: 'batch-1' } });
      const done = await progressOf(exportId);
      expect(done.state).toBe('done');
      expect(done.total).toBe(count(state, 'batch-1'));
      const manifest = readdirSync(join(out, state)).find((f) => f.endsWith('.manifest.json'))!;
      const m = JSON.parse(readFileSync(join(out, state, manifest), 'utf8')) as { items: { assetId: string }[] };
      const ids = new Set(m.items.map((i) => i.assetId));
      expect(ids.size).toBe(count(state, 'batch-1'));
      for (const r of rows.filter((x) => ids.has(x.id))) expect(r.state).toBe(state);
    }
  });

  it('deleted assets are never exported', async () => {
    await expect(call('export.start', { format: 'zip', outDir: join(root, 'x'), query: { state: 'deleted' } })).rejects.toThrow(/deleted assets cannot be exported/);
  });
});

describe('where the browser UI may write', () => {
  it('refuses disk writes without an export root, and outside it', async () => {
    await expect(call('export.start', { format: 'zip', outDir: join(root, 'anywhere'), query: { state: 'active', batchId: 'batch-2' } }, browser)).rejects.toThrow(/needs an export root/);
    const exportRoot = join(root, 'exports');
    mkdirSync(exportRoot);
    await call('settings.update', { exportRoot });
    await expect(call('export.start', { format: 'zip', outDir: join(root, 'elsewhere'), query: { state: 'active', batchId: 'batch-2' } }, browser)).rejects.toThrow(/only inside the export root/);
    await expect(call('export.start', { format: 'zip', outDir: '../escape', query: { state: 'active', batchId: 'batch-2' } }, browser)).rejects.toThrow(/only inside the export root/);
    const { exportId } = await call('export.start', { format: 'zip', outDir: 'shop', query: { state: 'active', batchId: 'batch-2' } }, browser);
    const done = await progressOf(exportId);
    expect(done.state).toBe('done');
    expect(done.outPath?.startsWith(join(exportRoot, 'shop'))).toBe(true);
    await call('settings.update', { exportRoot: '' });
  });

  it('streams a download that unzip -t accepts, once', async () => {
    const r = await call('export.start', { format: 'zip', delivery: 'download', query: { state: 'active', batchId: 'batch-3' } }, browser);
    expect(r.downloadUrl).toMatch(/^\/exports\/[0-9a-f]{32}\/assetql-export-.*\.zip$/);
    const finished = progressOf(r.exportId);
    const res = await fetch(`http://127.0.0.1:${server.port}${r.downloadUrl}`, { headers: { cookie: `assetql_token_${server.port}=tok-trust` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="assetql-export-/);
    const file = join(root, 'download.zip');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    expect(execFileSync('unzip', ['-t', file], { encoding: 'utf8' })).toMatch(/No errors detected/);
    const listing = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).trim().split('\n');
    expect(listing.filter((f) => f.startsWith('images/'))).toHaveLength(count('active', 'batch-3'));
    expect(listing).toEqual(expect.arrayContaining(['metadata.csv', 'metadata.json', 'manifest.json']));
    expect((await finished).state).toBe('done');
    const again = await fetch(`http://127.0.0.1:${server.port}${r.downloadUrl}`, { headers: { cookie: `assetql_token_${server.port}=tok-trust` } });
    expect(again.status).toBe(404);
    const noToken = await fetch(`http://127.0.0.1:${server.port}${r.downloadUrl}`);
    expect(noToken.status).toBe(403);
  });

  it('only a ZIP can be downloaded', async () => {
    await expect(call('export.start', { format: 'unity', delivery: 'download', query: { state: 'active' } }, browser)).rejects.toThrow(/only a ZIP can be downloaded/);
  });
});

describe('delete, undelete, purge', () => {
  it('a deleted asset comes back with undelete, and purge removes it and its file for good', async () => {
    const victim = rows.find((r) => r.state === 'active' && r.batchId === 'batch-0')!;
    const before = (await call('library.search', { text: '', state: 'active', limit: 1 })).total;
    await call('library.delete', { ids: [victim.id] });
    expect((await call('library.search', { text: '', state: 'active', limit: 1 })).total).toBe(before - 1);
    expect((await call('library.get', { id: victim.id })).state).toBe('deleted');
    await call('library.undelete', { ids: [victim.id] });
    expect((await call('library.get', { id: victim.id })).state).toBe('active');
    await expect(call('library.purge', { ids: [victim.id] })).rejects.toThrow(/delete it before purging/);
    await call('library.delete', { ids: [victim.id] });
    expect((await call('library.purge', { ids: [victim.id] })).purged).toBe(1);
    await expect(call('library.get', { id: victim.id })).rejects.toThrow(/NotFound/);
    expect(readdirSync(join(s.app.dataDir.library, 'raw', 'batch-0')).includes(`${victim.id}.png`)).toBe(false);
  });

  it('the purge-after setting is a validated number of days', async () => {
    expect((await call('settings.update', { purgeDeletedAfterDays: 7 })).purgeDeletedAfterDays).toBe(7);
    const bad = await s.registry.dispatch('settings.update', { purgeDeletedAfterDays: 0 }, test);
    expect(bad.ok).toBe(false);
  });
});
