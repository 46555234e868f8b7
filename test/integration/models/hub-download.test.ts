import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../main/core/app-error.ts';
import { CatalogPack } from '../../../models/catalog.ts';
import { PackManifest } from '../../../models/manifest.ts';
import { downloadPack, hubHead, readSource } from '../../../models/downloader/index.ts';
import { makeFile, startHubServer, type HubServer, type ServedFile } from './pack-server.ts';
import { tinyCatalogPack, tinyPackFiles } from './tiny-catalog-pack.ts';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
let server: HubServer;
let dir: string;
let filesA: Map<string, ServedFile>;

beforeEach(async () => {
  filesA = tinyPackFiles({ text: 300_000, vision: 200_000 });
  server = await startHubServer({
    repo: 'acme/tiny-clip',
    revisions: new Map([[A, filesA]]),
    branches: new Map([['main', A]]),
    gitFiles: new Set(['vocab.json', 'merges.txt']),
    lie: new Map(),
  });
  dir = mkdtempSync(join(tmpdir(), 'assetql-hub-'));
});
afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The catalog entry as the real catalog writes it: branch URLs, no revision, no hashes, rounded sizes. */
function hubPack(opts: { sha?: Record<string, string>; revision?: string | null; exactSize?: Record<string, number> } = {}): CatalogPack {
  const base = tinyCatalogPack((p) => server.resolveUrl(p), filesA, { withSha: false, exactSize: false });
  return CatalogPack.parse({
    ...base,
    hub: { repo: 'acme/tiny-clip', revision: opts.revision ?? null },
    files: base.files.map((f) => ({
      ...f,
      size: Math.round(f.size / 1000) * 1000 || 1000,
      ...(opts.sha?.[f.path] ? { sha256: opts.sha[f.path] } : {}),
      ...(opts.exactSize?.[f.path] !== undefined ? { size: opts.exactSize[f.path], sizeExact: true } : {}),
    })),
  });
}

async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected a rejection');
}

describe('hub-verified downloads', () => {
  it('HEAD without following the redirect reads X-Linked-Etag/Size and X-Repo-Commit; git files give their blob id', async () => {
    const lfs = await hubHead(server.resolveUrl('onnx/text_model.onnx'));
    expect(lfs).toEqual({ commit: A, sha256: filesA.get('onnx/text_model.onnx')!.sha256, size: 300_000 });
    const git = await hubHead(server.resolveUrl('vocab.json'));
    expect(git.commit).toBe(A);
    expect(git.sha256).toBeUndefined();
    expect(git.gitBlobSha1).toMatch(/^[0-9a-f]{40}$/);
    expect(git.size).toBe(1000);
    // The CDN was never touched by a HEAD.
    expect(server.requests.some((r) => r.path.startsWith('/cdn/'))).toBe(false);
  });

  it('pins the branch to one commit, verifies every file against the hub and records it in the manifest', async () => {
    const res = await downloadPack({ pack: hubPack(), dir });
    expect(res.revision).toBe(A);
    for (const [path, f] of filesA) expect(readFileSync(join(dir, path)).equals(f.body)).toBe(true);
    expect(res.files.find((f) => f.path === 'onnx/text_model.onnx')?.against).toBe('hub-sha256');
    expect(res.files.find((f) => f.path === 'vocab.json')?.against).toBe('hub-git-blob');
    expect(res.files.every((f) => f.verified)).toBe(true);
    // Every GET after the first HEAD went to the commit, never the branch.
    const gets = server.requests.filter((r) => (r as { method?: string }).method === 'GET' && r.path.includes('/resolve/'));
    expect(gets.length).toBe(4);
    expect(gets.every((r) => r.path.includes(`/resolve/${A}/`))).toBe(true);
    const manifest = PackManifest.parse(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
    expect(manifest.verification?.revision).toBe(A);
    expect(manifest.verification?.repo).toBe('huggingface.co/acme/tiny-clip');
    expect(manifest.verification?.files['onnx/vision_model.onnx']).toEqual({ sha256: filesA.get('onnx/vision_model.onnx')!.sha256, size: 200_000, against: 'hub-sha256' });
    expect((await readSource(dir))?.revision).toBe(A);
  });

  it('refuses a file whose bytes do not match the hash the hub declares, and removes it', async () => {
    server.hub.lie.set('onnx/vision_model.onnx', 'f'.repeat(64));
    const err = await rejection(downloadPack({ pack: hubPack(), dir }));
    expect(err.message).toMatch(/sha256 mismatch/);
    expect(existsSync(join(dir, 'onnx/vision_model.onnx'))).toBe(false);
    expect(readdirSync(join(dir, 'onnx')).some((f) => f.startsWith('vision_model.onnx'))).toBe(false);
    expect(existsSync(join(dir, 'manifest.json'))).toBe(false);
  });

  it('a catalog hash that disagrees with the hub is refused before any byte is fetched', async () => {
    const err = await rejection(downloadPack({ pack: hubPack({ sha: { 'onnx/text_model.onnx': '0'.repeat(64) } }), dir }));
    expect(err.kind).toBe('Conflict');
    expect(err.message).toMatch(/catalog entry is wrong or out of date/);
    expect(server.requests.some((r) => r.path.startsWith('/cdn/'))).toBe(false);
  });

  it('a catalog size that disagrees with the hub is refused before any byte is fetched', async () => {
    const err = await rejection(downloadPack({ pack: hubPack({ exactSize: { 'merges.txt': 901 } }), dir }));
    expect(err.message).toMatch(/catalog says 901 bytes/);
    expect(server.requests.some((r) => r.path.startsWith('/cdn/'))).toBe(false);
  });

  it('a revision moved mid-download is reported and the pack is finished from the first commit, not mixed', async () => {
    const controller = new AbortController();
    await rejection(downloadPack({
      pack: hubPack(),
      dir,
      signal: controller.signal,
      progressIntervalMs: 0,
      onProgress: (p) => {
        if (p.file === 'onnx/vision_model.onnx' && p.bytesDone > 0) controller.abort();
      },
    }));
    // A new commit changes one weight file; main moves to it.
    const filesB = new Map(filesA);
    filesB.set('onnx/vision_model.onnx', makeFile(210_000));
    server.hub.revisions.set(B, filesB);
    server.hub.branches.set('main', B);
    server.requests.length = 0;
    const notices: string[] = [];
    const res = await downloadPack({ pack: hubPack(), dir, onNotice: (m) => notices.push(m) });
    expect(notices[0]).toMatch(/moved from aaaaaaaaaa to bbbbbbbbbb .* finishing from aaaaaaaaaa/);
    expect(res.revision).toBe(A);
    expect(readFileSync(join(dir, 'onnx/vision_model.onnx')).equals(filesA.get('onnx/vision_model.onnx')!.body)).toBe(true);
    expect(server.requests.filter((r) => r.path.includes('/resolve/') && !r.path.includes('/resolve/main/')).every((r) => r.path.includes(`/resolve/${A}/`))).toBe(true);
  });

  it('resumes from the CDN with Range and If-Range after a cut connection', async () => {
    server.behaviour.cutAfterBytes = 100_000;
    server.behaviour.cutTimes = 1;
    const res = await downloadPack({ pack: hubPack(), dir, backoffMs: 1 });
    expect(res.files.every((f) => f.verified)).toBe(true);
    const resumed = server.requests.find((r) => r.path.startsWith('/cdn/') && r.range === 'bytes=100000-');
    expect(resumed?.ifRange).toBe(`"${filesA.get('onnx/text_model.onnx')!.sha256}"`);
    expect(resumed?.status).toBe(206);
  });

  it('refuses a hub that cannot say which commit it serves', async () => {
    server.hub.omitCommit = true;
    const err = await rejection(downloadPack({ pack: hubPack(), dir }));
    expect(err.message).toMatch(/X-Repo-Commit/);
  });

  it('uses a pinned catalog revision even when the branch has moved', async () => {
    server.hub.revisions.set(B, new Map(filesA));
    server.hub.branches.set('main', B);
    const res = await downloadPack({ pack: hubPack({ revision: A }), dir });
    expect(res.revision).toBe(A);
    expect(server.requests.some((r) => r.path.includes('/resolve/main/'))).toBe(false);
  });
});
