import { AppError } from '../../main/core/app-error.ts';

/**
 * What the Hugging Face Hub declares about one file before any byte is fetched. A HEAD on a
 * `resolve/<rev>/<path>` URL, without following the redirect, answers:
 *  - Git LFS files (the weights): 302 to the CDN with `X-Linked-Etag` (the sha256 of the
 *    content), `X-Linked-Size` and `X-Repo-Commit`;
 *  - small files kept in git (tokenizers, graphs without weights): 200 with the git blob sha1
 *    as ETag, Content-Length and `X-Repo-Commit`.
 */
export interface HubFileInfo {
  /** Commit the answer is for. */
  commit?: string;
  sha256?: string;
  /** Git blob sha1 of the content (non-LFS files). */
  gitBlobSha1?: string;
  size?: number;
}

const SHA256 = /^[0-9a-f]{64}$/;
const SHA1 = /^[0-9a-f]{40}$/;

export async function hubHead(url: string, opts: { fetchImpl?: typeof fetch; signal?: AbortSignal } = {}): Promise<HubFileInfo> {
  const doFetch = opts.fetchImpl ?? fetch;
  let target = url;
  // Renamed repositories answer 307 with a relative Location and no X-Linked-*: follow those only.
  for (let hop = 0; hop < 4; hop++) {
    let res: Response;
    try {
      res = await doFetch(target, { method: 'HEAD', redirect: 'manual', headers: { 'accept-encoding': 'identity' }, ...(opts.signal ? { signal: opts.signal } : {}) });
    } catch (err) {
      if (opts.signal?.aborted) throw new AppError('Cancelled', 'download cancelled');
      throw new AppError('Network', `${url}: could not ask the hub for the file's hash: ${(err as Error).message}`, { url });
    }
    await res.body?.cancel();
    const h = res.headers;
    const linkedEtag = unquote(h.get('x-linked-etag'));
    const commit = h.get('x-repo-commit') ?? undefined;
    if (res.status >= 300 && res.status < 400 && !linkedEtag && !commit) {
      const loc = h.get('location');
      if (!loc) break;
      target = new URL(loc, target).toString();
      continue;
    }
    if (res.status === 404 || res.status === 410) throw new AppError('NotFound', `${url}: HTTP ${res.status}: the file is not in the repository at this revision`, { url, status: res.status });
    if (res.status === 401 || res.status === 403) throw new AppError('Network', `${url}: HTTP ${res.status}: the repository is gated or private; accept its licence on huggingface.co or download it yourself and use Locate`, { url, status: res.status });
    if (res.status >= 400) throw new AppError('Network', `${url}: HTTP ${res.status} on HEAD`, { url, status: res.status });
    const info: HubFileInfo = {};
    if (commit && SHA1.test(commit)) info.commit = commit;
    if (linkedEtag && SHA256.test(linkedEtag)) info.sha256 = linkedEtag;
    const linkedSize = h.get('x-linked-size');
    if (linkedSize && /^\d+$/.test(linkedSize)) info.size = Number(linkedSize);
    if (!info.sha256 && res.status === 200) {
      const etag = unquote(h.get('etag'));
      if (etag && SHA1.test(etag)) info.gitBlobSha1 = etag;
      const len = h.get('content-length');
      if (len && /^\d+$/.test(len)) info.size = Number(len);
    }
    return info;
  }
  return {};
}

function unquote(v: string | null): string | undefined {
  if (!v) return undefined;
  return v.replace(/^W\//, '').replace(/^"|"$/g, '').toLowerCase();
}

/** `https://host/<repo>/resolve/<ref>/<path>` with `<ref>` replaced by `revision`. */
export function pinRevision(url: string, revision: string): string {
  return url.replace(/\/resolve\/[^/]+\//, `/resolve/${revision}/`);
}
