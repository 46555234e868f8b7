import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../main/core/app-error.ts';
import { PackManifest } from '../../../models/manifest.ts';
import { downloadFile, downloadPack, partPath, sidecarPath, type DownloadProgress } from '../../../models/downloader/index.ts';
import { startPackServer, makeFile, type PackServer } from './pack-server.ts';
import { tinyCatalogPack, tinyPackFiles } from './tiny-catalog-pack.ts';

let server: PackServer;
let dir: string;

beforeEach(async () => {
  server = await startPackServer(tinyPackFiles());
  dir = mkdtempSync(join(tmpdir(), 'assetql-dl-'));
});
afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected a rejection');
}

describe('downloadPack', () => {
  it('downloads a whole pack, verifies every file and writes the manifest last', async () => {
    const pack = tinyCatalogPack(server.url, server.files);
    const events: DownloadProgress[] = [];
    const res = await downloadPack({ pack, dir, onProgress: (p) => events.push(p), progressIntervalMs: 0 });
    for (const [path, f] of server.files) {
      expect(readFileSync(join(dir, path)).equals(f.body)).toBe(true);
      expect(existsSync(partPath(join(dir, path)))).toBe(false);
    }
    expect(res.files.every((f) => f.verified && !f.skipped)).toBe(true);
    const manifest = PackManifest.parse(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
    expect(manifest.kind).toBe('clip');
    if (manifest.kind !== 'clip') throw new Error('kind');
    expect(manifest.components.text_model.sha256).toBe(server.files.get('onnx/text_model.onnx')?.sha256);
    expect(manifest.components.vision_model.size).toBe(70_000);
    const total = [...server.files.values()].reduce((s, f) => s + f.body.length, 0);
    const last = events[events.length - 1];
    expect(last?.done).toBe(true);
    expect(last?.bytesDone).toBe(total);
    expect(last?.bytesTotal).toBe(total);
    // Monotonic while nothing is discarded.
    for (let i = 1; i < events.length; i++) expect(events[i]!.bytesDone).toBeGreaterThanOrEqual(events[i - 1]!.bytesDone);
    expect(events.some((e) => e.rateBytesPerSec > 0)).toBe(true);
  });

  it('skips files that are already complete on a second run', async () => {
    const pack = tinyCatalogPack(server.url, server.files);
    await downloadPack({ pack, dir });
    const before = server.requests.length;
    const res = await downloadPack({ pack, dir });
    expect(res.files.every((f) => f.skipped)).toBe(true);
    expect(server.requests.length).toBe(before);
  });

  it('resumes an interrupted download with a Range request and verifies it', async () => {
    const pack = tinyCatalogPack(server.url, server.files);
    server.behaviour.cutAfterBytes = 10_000;
    server.behaviour.cutTimes = 1;
    const res = await downloadPack({ pack, dir, backoffMs: 1 });
    const text = server.requests.filter((r) => r.path === '/onnx/text_model.onnx');
    expect(text.length).toBe(2);
    expect(text[1]?.range).toBe('bytes=10000-');
    expect(text[1]?.status).toBe(206);
    expect(text[1]?.ifRange).toMatch(/^"/);
    expect(readFileSync(join(dir, 'onnx/text_model.onnx')).equals(server.files.get('onnx/text_model.onnx')!.body)).toBe(true);
    expect(res.files.find((f) => f.path === 'onnx/text_model.onnx')?.verified).toBe(true);
  });

  it('resumes across runs: a cancelled run leaves .part + sidecar, the next run continues from there', async () => {
    const pack = tinyCatalogPack(server.url, server.files);
    server.behaviour.slowChunk = 4_000;
    server.behaviour.slowDelayMs = 15;
    const ac = new AbortController();
    const p = downloadPack({
      pack,
      dir,
      signal: ac.signal,
      progressIntervalMs: 0,
      onProgress: (e) => {
        if (e.bytesDone >= 12_000) ac.abort();
      },
    });
    const err = await rejection(p);
    expect(err.kind).toBe('Cancelled');
    const dest = join(dir, 'onnx/text_model.onnx');
    expect(existsSync(dest)).toBe(false);
    const partBytes = statSync(partPath(dest)).size;
    expect(partBytes).toBeGreaterThanOrEqual(12_000);
    expect(JSON.parse(readFileSync(sidecarPath(dest), 'utf8')).url).toBe(server.url('onnx/text_model.onnx'));
    expect(existsSync(join(dir, 'manifest.json'))).toBe(false);

    server.behaviour.slowChunk = undefined;
    const res = await downloadPack({ pack, dir });
    const text = server.requests.filter((r) => r.path === '/onnx/text_model.onnx');
    expect(text[text.length - 1]?.range).toBe(`bytes=${partBytes}-`);
    expect(res.files.find((f) => f.path === 'onnx/text_model.onnx')?.resumedFrom).toBe(partBytes);
    expect(readFileSync(dest).equals(server.files.get('onnx/text_model.onnx')!.body)).toBe(true);
    expect(existsSync(sidecarPath(dest))).toBe(false);
  });

  it('detects a corrupted file: clear error, nothing under the final name, part deleted', async () => {
    const pack = tinyCatalogPack(server.url, server.files);
    const bad = Buffer.from(server.files.get('onnx/vision_model.onnx')!.body);
    bad[123] = bad[123]! ^ 0xff;
    server.behaviour.corrupt = new Map([['onnx/vision_model.onnx', bad]]);
    const err = await rejection(downloadPack({ pack, dir }));
    expect(err.kind).toBe('Network');
    expect(err.message).toMatch(/sha256 mismatch/);
    expect(err.message).toContain('vision_model.onnx');
    expect(err.detail?.['reason']).toBe('checksum');
    const dest = join(dir, 'onnx/vision_model.onnx');
    expect(existsSync(dest)).toBe(false);
    expect(existsSync(partPath(dest))).toBe(false);
    expect(existsSync(join(dir, 'manifest.json'))).toBe(false);
    // The file before it is complete and kept.
    expect(existsSync(join(dir, 'onnx/text_model.onnx'))).toBe(true);
  });

  it('restarts from 0 when the server ignores Range', async () => {
    const pack = tinyCatalogPack(server.url, server.files);
    server.behaviour.cutAfterBytes = 25_000;
    server.behaviour.cutTimes = 1;
    server.behaviour.ignoreRange = true;
    const events: DownloadProgress[] = [];
    await downloadPack({ pack, dir, backoffMs: 1, onProgress: (e) => events.push(e), progressIntervalMs: 0 });
    const text = server.requests.filter((r) => r.path === '/onnx/text_model.onnx');
    expect(text.length).toBe(2);
    expect(text[1]?.range).toBe('bytes=25000-');
    expect(text[1]?.status).toBe(200);
    expect(readFileSync(join(dir, 'onnx/text_model.onnx')).equals(server.files.get('onnx/text_model.onnx')!.body)).toBe(true);
    const total = [...server.files.values()].reduce((s, f) => s + f.body.length, 0);
    expect(events[events.length - 1]?.bytesDone).toBe(total);
  });

  it('refuses to start when the disk is too small, before fetching anything', async () => {
    const pack = tinyCatalogPack(server.url, server.files);
    const err = await rejection(downloadPack({ pack, dir, freeSpace: async () => 50_000 }));
    expect(err.kind).toBe('Unavailable');
    expect(err.message).toMatch(/not enough disk space/);
    expect(err.detail?.['freeBytes']).toBe(50_000);
    expect(server.requests.length).toBe(0);
  });

  it('retries transient 503s with backoff', async () => {
    const pack = tinyCatalogPack(server.url, server.files);
    server.behaviour.fail503Times = 2;
    await downloadPack({ pack, dir, backoffMs: 1 });
    expect(server.requests.filter((r) => r.status === 503).length).toBe(2);
    expect(existsSync(join(dir, 'manifest.json'))).toBe(true);
  });

  it('records the hash of files whose sha256 is unknown and marks them unverified', async () => {
    const pack = tinyCatalogPack(server.url, server.files, { withSha: false, exactSize: false });
    const res = await downloadPack({ pack, dir });
    expect(res.files.every((f) => !f.verified)).toBe(true);
    expect(res.files.find((f) => f.path === 'vocab.json')?.sha256).toBe(server.files.get('vocab.json')?.sha256);
  });
});

describe('downloadFile', () => {
  it('follows redirects', async () => {
    const dest = join(dir, 'x.bin');
    const f = server.files.get('vocab.json')!;
    const r = await downloadFile({ url: server.url('redirect/vocab.json'), dest, sha256: f.sha256 });
    expect(r.verified).toBe(true);
    expect(readFileSync(dest).equals(f.body)).toBe(true);
  });

  it('fails with NotFound on 404 and leaves nothing behind', async () => {
    const dest = join(dir, 'missing.bin');
    const err = await rejection(downloadFile({ url: server.url('nope.bin'), dest }));
    expect(err.kind).toBe('NotFound');
    expect(readdirSync(dir).filter((n) => n.startsWith('missing.bin') && !n.endsWith('.part'))).toEqual([]);
  });

  it('discards a stale part written for a different URL', async () => {
    const dest = join(dir, 'v.bin');
    writeFileSync(partPath(dest), Buffer.alloc(500, 7));
    writeFileSync(sidecarPath(dest), JSON.stringify({ url: 'http://127.0.0.1:1/other' }));
    const f = server.files.get('merges.txt')!;
    const r = await downloadFile({ url: server.url('merges.txt'), dest, sha256: f.sha256 });
    expect(r.resumedFrom).toBe(0);
    expect(readFileSync(dest).equals(f.body)).toBe(true);
  });

  it('completes when the part already holds every byte (416 answer)', async () => {
    const dest = join(dir, 'w.bin');
    const f = server.files.get('merges.txt')!;
    writeFileSync(partPath(dest), f.body);
    writeFileSync(sidecarPath(dest), JSON.stringify({ url: server.url('merges.txt') }));
    const r = await downloadFile({ url: server.url('merges.txt'), dest, sha256: f.sha256 });
    expect(r.resumedFrom).toBe(f.body.length);
    expect(server.requests.at(-1)?.status).toBe(416);
    expect(readFileSync(dest).equals(f.body)).toBe(true);
  });

  it('gives up after the configured retries with a Network error', async () => {
    server.behaviour.fail503Times = 100;
    const err = await rejection(downloadFile({ url: server.url('merges.txt'), dest: join(dir, 'z.bin'), retries: 2, backoffMs: 1 }));
    expect(err.kind).toBe('Network');
    expect(err.message).toMatch(/giving up after 2 retries/);
    expect(server.requests.length).toBe(3);
  });

  it('rejects a server size that disagrees with an exact catalog size', async () => {
    const f = makeFile(10);
    server.files.set('small.bin', f);
    const err = await rejection(downloadFile({ url: server.url('small.bin'), dest: join(dir, 's.bin'), expectedSize: 11 }));
    expect(err.kind).toBe('Conflict');
    expect(err.message).toMatch(/catalog expects 11/);
  });
});
