import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../main/core/app-error.ts';
import { buildInstalledManifest, type CatalogPack, type FileDigest } from '../catalog.ts';
import { MANIFEST_FILE, type PackManifest } from '../manifest.ts';
import { ensureFreeSpace, freeBytesAt, type FreeSpaceFn } from './disk-space.ts';
import { downloadFile } from './download-file.ts';
import { gitBlobSha1File, sha256File } from './hash-file.ts';
import { expectationFor, resolveRevision, SOURCE_FILE, type Against, type FileExpectation } from './hub-source.ts';
import { partPath } from './part-sidecar.ts';
import { ProgressTracker, type DownloadProgress } from './progress.ts';

/** Digests of every file of a pack (tokenizers included), as downloaded or re-hashed. */
export const DIGESTS_FILE = '.assetql-digests.json';
const Digests = z.record(
  z.string(),
  z.object({ sha256: z.string(), size: z.number(), against: z.enum(['catalog-sha256', 'hub-sha256', 'hub-git-blob', 'size-only', 'none']).optional() }),
);
type DigestRecord = FileDigest & { against?: Against };

export interface DownloadPackOptions {
  pack: CatalogPack;
  /** Pack folder, e.g. dataDir.models/<packId>. */
  dir: string;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  progressIntervalMs?: number;
  /** Injected in tests to simulate a full disk. */
  freeSpace?: FreeSpaceFn;
  fetchImpl?: typeof fetch;
  retries?: number;
  backoffMs?: number;
  now?: () => number;
  /** Things the user should know that do not stop the download (e.g. the repository moved). */
  onNotice?: (message: string) => void;
}

export interface DownloadedFile {
  path: string;
  sha256: string;
  size: number;
  /** The expected sha256 was known and matched; false means the hash was only recorded. */
  verified: boolean;
  /** What the file was checked against. */
  against: Against;
  /** Already complete on disk from an earlier run. */
  skipped: boolean;
  resumedFrom: number;
}

export interface DownloadPackResult {
  dir: string;
  manifest: PackManifest;
  files: DownloadedFile[];
  /** Repository commit every file came from (Hub packs). */
  revision?: string;
  notices: string[];
}

/**
 * Downloads every file of a catalog pack into `dir` (resuming what an earlier run left), with one
 * aggregate progress stream, then writes manifest.json last: a folder with a manifest is a
 * complete pack, one without is a download in progress.
 */
export async function downloadPack(opts: DownloadPackOptions): Promise<DownloadPackResult> {
  const { pack, dir, signal } = opts;
  if (!pack.downloadable) {
    throw new AppError('Unavailable', `pack ${pack.id} has no complete public download: ${pack.notes}`, { packId: pack.id });
  }
  await mkdir(dir, { recursive: true });
  const digests: Record<string, DigestRecord> = await readDigests(dir);
  const net = { ...(opts.fetchImpl ? { fetchImpl: opts.fetchImpl } : {}), ...(signal ? { signal } : {}) };
  const notices: string[] = [];
  const rev = await resolveRevision(pack, dir, net);
  if (rev?.notice) {
    notices.push(rev.notice);
    opts.onNotice?.(rev.notice);
  }
  if (rev) await writeJsonAtomic(join(dir, SOURCE_FILE), { repo: rev.repo, revision: rev.revision, resolvedFrom: pack.hub?.revision ? 'catalog' : 'branch' });

  // What is already there: complete files (trusted only if they match what is expected now)
  // and parts to resume. For Hub packs the expectation comes from a HEAD at the pinned commit.
  const plan: { file: CatalogPack['files'][number]; expect: FileExpectation; done: DigestRecord | undefined; partBytes: number }[] = [];
  for (const file of pack.files) {
    const expect = await expectationFor(pack, file, rev, net);
    const dest = join(dir, file.path);
    const size = await sizeOf(dest);
    const known = digests[file.path];
    let done: DigestRecord | undefined;
    if (size !== undefined) {
      const sizeOk = expect.size === undefined || expect.size === size;
      if (sizeOk && known && known.size === size && (!expect.sha256 || known.sha256 === expect.sha256) && (!expect.gitBlobSha1 || known.against === 'hub-git-blob')) done = { ...known, against: expect.against };
      else if (sizeOk) {
        const d = await sha256File(dest, signal ? { signal } : {});
        const blobOk = !expect.gitBlobSha1 || (await gitBlobSha1File(dest, d.size, signal ? { signal } : {})) === expect.gitBlobSha1;
        if ((!expect.sha256 || d.sha256 === expect.sha256) && blobOk) done = { ...d, against: expect.against };
      }
      if (!done) await rm(dest, { force: true });
    }
    plan.push({ file, expect, done, partBytes: done ? 0 : ((await sizeOf(partPath(dest))) ?? 0) });
  }

  const remaining = plan.reduce((sum, p) => sum + (p.done ? 0 : Math.max(0, (p.expect.size ?? p.file.size) - p.partBytes)), 0);
  await ensureFreeSpace(dir, remaining, opts.freeSpace ?? freeBytesAt);

  const totals = new Map(plan.map((p) => [p.file.path, p.done ? p.done.size : (p.expect.size ?? p.file.size)]));
  const sumTotals = (): number => [...totals.values()].reduce((a, b) => a + b, 0);
  const tracker = new ProgressTracker({
    total: sumTotals(),
    ...(opts.progressIntervalMs !== undefined ? { intervalMs: opts.progressIntervalMs } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    emit: (p) => opts.onProgress?.(p),
  });

  const results: DownloadedFile[] = [];
  for (const { file, expect, done } of plan) {
    tracker.setFile(file.path);
    if (done) {
      tracker.addExisting(done.size);
      digests[file.path] = done;
      results.push({ path: file.path, sha256: done.sha256, size: done.size, against: expect.against, verified: isVerified(expect.against), skipped: true, resumedFrom: 0 });
      continue;
    }
    tracker.flush();
    const dest = join(dir, file.path);
    const r = await downloadFile({
      url: expect.url,
      dest,
      ...(expect.size !== undefined ? { expectedSize: expect.size } : {}),
      ...(expect.sha256 ? { sha256: expect.sha256 } : {}),
      ...(signal ? { signal } : {}),
      ...(opts.fetchImpl ? { fetchImpl: opts.fetchImpl } : {}),
      ...(opts.retries !== undefined ? { retries: opts.retries } : {}),
      ...(opts.backoffMs !== undefined ? { backoffMs: opts.backoffMs } : {}),
      onExisting: (n) => tracker.addExisting(n),
      onBytes: (n) => tracker.addTransferred(n),
      onDiscard: (n) => tracker.discard(n),
      onTotal: (n) => {
        totals.set(file.path, n);
        tracker.setTotal(sumTotals());
      },
    });
    if (expect.gitBlobSha1) {
      const blob = await gitBlobSha1File(dest, r.size, signal ? { signal } : {});
      if (blob !== expect.gitBlobSha1) {
        await rm(dest, { force: true });
        throw new AppError('Network', `${dest}: content does not match the hub's git blob id (expected ${expect.gitBlobSha1}, got ${blob}); the file was deleted — run the download again`, {
          file: dest, url: expect.url, expectedGitBlob: expect.gitBlobSha1, actualGitBlob: blob, reason: 'checksum',
        });
      }
    }
    totals.set(file.path, r.size);
    tracker.setTotal(sumTotals());
    digests[file.path] = { sha256: r.sha256, size: r.size, against: expect.against };
    await writeJsonAtomic(join(dir, DIGESTS_FILE), digests);
    results.push({ path: file.path, sha256: r.sha256, size: r.size, against: expect.against, verified: isVerified(expect.against), skipped: false, resumedFrom: r.resumedFrom });
  }
  tracker.setFile(undefined);
  tracker.flush(true);

  const manifest = buildInstalledManifest(pack, new Map(Object.entries(digests)));
  manifest.verification = {
    ...(rev ? { repo: `huggingface.co/${rev.repo}`, revision: rev.revision } : {}),
    verifiedAt: new Date().toISOString(),
    files: Object.fromEntries(results.map((f) => [f.path, { sha256: f.sha256, size: f.size, against: f.against }])),
  };
  await writeJsonAtomic(join(dir, DIGESTS_FILE), digests);
  await writeJsonAtomic(join(dir, MANIFEST_FILE), manifest);
  return { dir, manifest, files: results, ...(rev ? { revision: rev.revision } : {}), notices };
}

const isVerified = (a: Against): boolean => a === 'catalog-sha256' || a === 'hub-sha256' || a === 'hub-git-blob';

export async function readDigests(dir: string): Promise<Record<string, DigestRecord>> {
  try {
    const parsed = Digests.safeParse(JSON.parse(await readFile(join(dir, DIGESTS_FILE), 'utf8')));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`);
  await rename(tmp, path);
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() ? s.size : undefined;
  } catch {
    return undefined;
  }
}
