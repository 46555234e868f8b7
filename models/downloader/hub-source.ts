import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../main/core/app-error.ts';
import type { CatalogFile, CatalogPack } from '../catalog.ts';
import { hubHead, pinRevision, type HubFileInfo } from './hub-head.ts';

/** Which repository commit a pack folder's files come from (kept across resumed runs). */
export const SOURCE_FILE = '.assetql-source.json';
const Source = z.object({ repo: z.string(), revision: z.string(), resolvedFrom: z.string().optional() });
export type PackSource = z.infer<typeof Source>;

export async function readSource(dir: string): Promise<PackSource | undefined> {
  try {
    const parsed = Source.safeParse(JSON.parse(await readFile(join(dir, SOURCE_FILE), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export interface ResolvedRevision {
  repo: string;
  revision: string;
  /** Set when the branch moved since an earlier, unfinished run: reported, never mixed. */
  notice?: string;
}

const short = (c: string): string => c.slice(0, 10);

/**
 * The one commit every file of the pack is fetched from: the catalog's pinned revision, else
 * the commit an earlier unfinished run started from, else the branch's current commit as the
 * Hub reports it (X-Repo-Commit on a HEAD of the first file).
 */
export async function resolveRevision(pack: CatalogPack, dir: string, opts: { fetchImpl?: typeof fetch; signal?: AbortSignal }): Promise<ResolvedRevision | undefined> {
  if (!pack.hub) return undefined;
  const repo = pack.hub.repo;
  const recorded = await readSource(dir);
  if (pack.hub.revision) {
    const notice = recorded && recorded.revision !== pack.hub.revision
      ? `the catalog now pins ${repo} to ${short(pack.hub.revision)}; files from ${short(recorded.revision)} that differ are downloaded again`
      : undefined;
    return { repo, revision: pack.hub.revision, ...(notice ? { notice } : {}) };
  }
  const first = pack.files[0];
  if (!first) throw new AppError('Internal', `pack ${pack.id} has no files`);
  const head = await hubHead(first.url, opts);
  if (!head.commit) {
    throw new AppError('Network', `${first.url}: the hub did not report which commit it serves (no X-Repo-Commit), so the download cannot be pinned to one revision; refusing to download a possibly mixed pack`, { url: first.url });
  }
  if (recorded && recorded.repo === repo && recorded.revision !== head.commit) {
    return {
      repo,
      revision: recorded.revision,
      notice: `${repo} moved from ${short(recorded.revision)} to ${short(head.commit)} since this download started; finishing from ${short(recorded.revision)} so the pack is not mixed (delete the pack and download again for the new revision)`,
    };
  }
  return { repo, revision: head.commit };
}

export type Against = 'catalog-sha256' | 'hub-sha256' | 'hub-git-blob' | 'size-only' | 'none';

export interface FileExpectation {
  url: string;
  sha256?: string;
  gitBlobSha1?: string;
  size?: number;
  against: Against;
}

/**
 * What one file must hash to, from the catalog and (for Hub packs) the Hub's declaration at the
 * pinned revision. A catalog entry that disagrees with the Hub is refused before downloading.
 */
export async function expectationFor(pack: CatalogPack, file: CatalogFile, rev: ResolvedRevision | undefined, opts: { fetchImpl?: typeof fetch; signal?: AbortSignal }): Promise<FileExpectation> {
  const catalogSize = file.sizeExact ? file.size : undefined;
  if (!rev) {
    const against: Against = file.sha256 ? 'catalog-sha256' : catalogSize !== undefined ? 'size-only' : 'none';
    return { url: file.url, ...(file.sha256 ? { sha256: file.sha256 } : {}), ...(catalogSize !== undefined ? { size: catalogSize } : {}), against };
  }
  const url = pinRevision(file.url, rev.revision);
  const info: HubFileInfo = await hubHead(url, opts);
  if (info.commit && info.commit !== rev.revision) {
    throw new AppError('Conflict', `${url}: the hub answered for commit ${info.commit} instead of ${rev.revision}; refusing to mix revisions in one pack`, { url, expected: rev.revision, got: info.commit });
  }
  if (file.sha256 && info.sha256 && file.sha256 !== info.sha256) {
    throw new AppError('Conflict', `${pack.id}: ${file.path}: the catalog says sha256 ${file.sha256} but ${rev.repo} at ${rev.revision.slice(0, 10)} declares ${info.sha256}; the catalog entry is wrong or out of date, so nothing was downloaded`, {
      packId: pack.id, file: file.path, catalogSha256: file.sha256, hubSha256: info.sha256, revision: rev.revision,
    });
  }
  if (catalogSize !== undefined && info.size !== undefined && catalogSize !== info.size) {
    throw new AppError('Conflict', `${pack.id}: ${file.path}: the catalog says ${catalogSize} bytes but ${rev.repo} at ${rev.revision.slice(0, 10)} declares ${info.size}; the catalog entry is wrong or out of date, so nothing was downloaded`, {
      packId: pack.id, file: file.path, catalogBytes: catalogSize, hubBytes: info.size, revision: rev.revision,
    });
  }
  const sha256 = info.sha256 ?? file.sha256;
  const size = info.size ?? catalogSize;
  const against: Against = info.sha256 ? 'hub-sha256' : file.sha256 ? 'catalog-sha256' : info.gitBlobSha1 ? 'hub-git-blob' : 'none';
  if (against === 'none') {
    throw new AppError('Conflict', `${url}: neither the catalog nor the hub declares a hash for ${file.path}; refusing an unverifiable download`, { url, file: file.path });
  }
  return { url, ...(sha256 ? { sha256 } : {}), ...(info.gitBlobSha1 && !sha256 ? { gitBlobSha1: info.gitBlobSha1 } : {}), ...(size !== undefined ? { size } : {}), against };
}
