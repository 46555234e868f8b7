import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../main/core/app-error.ts';
import { buildInstalledManifest, type CatalogPack, type FileDigest } from '../catalog.ts';
import { MANIFEST_FILE, type PackManifest } from '../manifest.ts';
import { ensureFreeSpace, freeBytesAt, type FreeSpaceFn } from './disk-space.ts';
import { downloadFile } from './download-file.ts';
import { sha256File } from './hash-file.ts';
import { partPath } from './part-sidecar.ts';
import { ProgressTracker, type DownloadProgress } from './progress.ts';

/** Digests of every file of a pack (tokenizers included), as downloaded or re-hashed. */
export const DIGESTS_FILE = '.assetql-digests.json';
const Digests = z.record(z.string(), z.object({ sha256: z.string(), size: z.number() }));

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
}

export interface DownloadedFile {
  path: string;
  sha256: string;
  size: number;
  /** The expected sha256 was known and matched; false means the hash was only recorded. */
  verified: boolean;
  /** Already complete on disk from an earlier run. */
  skipped: boolean;
  resumedFrom: number;
}

export interface DownloadPackResult {
  dir: string;
  manifest: PackManifest;
  files: DownloadedFile[];
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
  const digests = await readDigests(dir);

  // What is already there: complete files (trusted only if size matches what we recorded)
  // and parts to resume.
  const plan: { file: CatalogPack['files'][number]; done: FileDigest | undefined; partBytes: number }[] = [];
  for (const file of pack.files) {
    const dest = join(dir, file.path);
    const size = await sizeOf(dest);
    const known = digests[file.path];
    let done: FileDigest | undefined;
    if (size !== undefined) {
      if (known && known.size === size && (!file.sha256 || known.sha256 === file.sha256)) done = known;
      else {
        const d = await sha256File(dest, signal ? { signal } : {});
        if ((!file.sha256 || d.sha256 === file.sha256) && (!file.sizeExact || d.size === file.size)) done = d;
        else await rm(dest, { force: true });
      }
    }
    plan.push({ file, done, partBytes: done ? 0 : ((await sizeOf(partPath(dest))) ?? 0) });
  }

  const remaining = plan.reduce((sum, p) => sum + (p.done ? 0 : Math.max(0, p.file.size - p.partBytes)), 0);
  await ensureFreeSpace(dir, remaining, opts.freeSpace ?? freeBytesAt);

  const totals = new Map(plan.map((p) => [p.file.path, p.done ? p.done.size : p.file.size]));
  const sumTotals = (): number => [...totals.values()].reduce((a, b) => a + b, 0);
  const tracker = new ProgressTracker({
    total: sumTotals(),
    ...(opts.progressIntervalMs !== undefined ? { intervalMs: opts.progressIntervalMs } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    emit: (p) => opts.onProgress?.(p),
  });

  const results: DownloadedFile[] = [];
  for (const { file, done } of plan) {
    tracker.setFile(file.path);
    if (done) {
      tracker.addExisting(done.size);
      results.push({ path: file.path, ...done, verified: file.sha256 !== undefined, skipped: true, resumedFrom: 0 });
      continue;
    }
    tracker.flush();
    const r = await downloadFile({
      url: file.url,
      dest: join(dir, file.path),
      ...(file.sizeExact ? { expectedSize: file.size } : {}),
      ...(file.sha256 ? { sha256: file.sha256 } : {}),
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
    totals.set(file.path, r.size);
    tracker.setTotal(sumTotals());
    digests[file.path] = { sha256: r.sha256, size: r.size };
    await writeJsonAtomic(join(dir, DIGESTS_FILE), digests);
    results.push({ path: file.path, sha256: r.sha256, size: r.size, verified: r.verified, skipped: false, resumedFrom: r.resumedFrom });
  }
  tracker.setFile(undefined);
  tracker.flush(true);

  const manifest = buildInstalledManifest(pack, new Map(Object.entries(digests)));
  await writeJsonAtomic(join(dir, DIGESTS_FILE), digests);
  await writeJsonAtomic(join(dir, MANIFEST_FILE), manifest);
  return { dir, manifest, files: results };
}

export async function readDigests(dir: string): Promise<Record<string, FileDigest>> {
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
