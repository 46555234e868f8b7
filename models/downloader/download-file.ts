import { createHash, type Hash } from 'node:crypto';
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppError } from '../../main/core/app-error.ts';
import { abortableSleep, backoffDelay } from './backoff.ts';
import { hashInto } from './hash-file.ts';
import { partPath, readSidecar, removePart, writeSidecar, type PartSidecar } from './part-sidecar.ts';

export interface DownloadFileOptions {
  url: string;
  /** Final path; only ever written by renaming a complete, verified `.part` file. */
  dest: string;
  /** Exact size in bytes when known (a mismatch is an error); omit when only approximate. */
  expectedSize?: number;
  /** Lower-case hex sha256; when given, a mismatch deletes the part and fails. */
  sha256?: string;
  signal?: AbortSignal;
  /** Called with the bytes already on disk when a part is resumed (done, but not speed). */
  onExisting?: (bytes: number) => void;
  /** Called for every chunk received. */
  onBytes?: (bytes: number) => void;
  /** Called when previously counted bytes are thrown away (restart from 0). */
  onDiscard?: (bytes: number) => void;
  /** Called once the server has told us the file's total size. */
  onTotal?: (bytes: number) => void;
  /** Transient failures in a row before giving up (progress resets the count). */
  retries?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
  fetchImpl?: typeof fetch;
}

export interface DownloadFileResult {
  sha256: string;
  size: number;
  /** Bytes that were already in the `.part` file when this run started. */
  resumedFrom: number;
  /** Times the server ignored our Range request (or the part was stale) and we restarted at 0. */
  restarts: number;
  /** Transient errors that were retried. */
  retried: number;
  /** True when an expected sha256 was given and matched. */
  verified: boolean;
}

const TRANSIENT_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED']);

class TransientError extends Error {}

/**
 * Downloads one file resumably: bytes go to `<dest>.part` with a JSON sidecar describing the
 * server's copy; an interrupted run continues with an HTTP Range request; the sha256 is computed
 * while streaming (resumed bytes are re-read once); only a complete, verified file is renamed to
 * `dest`, so a half file never sits under the final name.
 */
export async function downloadFile(opts: DownloadFileOptions): Promise<DownloadFileResult> {
  const { url, dest, signal } = opts;
  const doFetch = opts.fetchImpl ?? fetch;
  const retries = opts.retries ?? 5;
  const baseMs = opts.backoffMs ?? 500;
  const maxMs = opts.maxBackoffMs ?? 30_000;
  const part = partPath(dest);
  throwIfAborted(signal);
  await mkdir(dirname(dest), { recursive: true });

  // Decide whether the existing part continues the same download.
  let offset = 0;
  const sidecar = await readSidecar(dest);
  const partSize = await fileSize(part);
  if (partSize > 0 && sidecar && sidecar.url === url && (opts.expectedSize === undefined || sidecar.expectedSize === opts.expectedSize)) {
    offset = partSize;
  } else if (partSize > 0 || sidecar) {
    await removePart(dest);
  }
  let meta: PartSidecar = sidecar && offset > 0 ? sidecar : { url, ...(opts.expectedSize !== undefined ? { expectedSize: opts.expectedSize } : {}) };

  const fh = await open(part, 'a');
  let hash: Hash = createHash('sha256');
  const resumedFrom = offset;
  let restarts = 0;
  let retried = 0;
  try {
    if (offset > 0) {
      await hashInto(hash, part, { end: offset, ...(signal ? { signal } : {}) });
      opts.onExisting?.(offset);
    }
    let total: number | undefined = meta.total ?? opts.expectedSize;
    let failures = 0;
    for (;;) {
      if (total !== undefined && offset === total) break;
      if (total !== undefined && offset > total) {
        // More bytes than the file has: the part is from something else. Start over.
        ({ offset, hash } = await restart(fh, offset, opts));
        restarts++;
        continue;
      }
      throwIfAborted(signal);
      try {
        const before = offset;
        const r = await attempt();
        if (r === 'complete') break;
        if (r === 'restart') {
          restarts++;
          if (restarts > retries + 2) throw new AppError('Network', `${url}: the server keeps sending a different file; giving up`, { url });
          continue;
        }
        if (offset > before) failures = 0;
      } catch (err) {
        if (err instanceof AppError) throw err;
        if (signal?.aborted) throw cancelled(dest);
        if (!isTransient(err)) throw new AppError('Network', `${url}: ${describe(err)}`, { url });
        failures++;
        if (failures > retries) throw new AppError('Network', `${url}: giving up after ${retries} retries: ${describe(err)}`, { url, retries });
        retried++;
        await abortableSleep(backoffDelay(failures - 1, baseMs, maxMs), signal);
      }
    }

    async function attempt(): Promise<'complete' | 'restart' | 'partial'> {
      const headers: Record<string, string> = { 'accept-encoding': 'identity' };
      if (offset > 0) {
        headers['range'] = `bytes=${offset}-`;
        // If-Range makes a server whose copy changed send the whole new file (200) instead of
        // splicing new bytes onto old ones. Weak ETags are not allowed in If-Range.
        if (meta.etag && !meta.etag.startsWith('W/')) headers['if-range'] = meta.etag;
        else if (meta.lastModified) headers['if-range'] = meta.lastModified;
      }
      const res = await doFetch(url, { headers, redirect: 'follow', ...(signal ? { signal } : {}) });
      if (res.status === 416 && offset > 0) {
        await res.body?.cancel();
        const whole = parseTotal(res.headers.get('content-range'));
        if (whole === offset) {
          total = whole;
          return 'complete';
        }
        ({ offset, hash } = await restart(fh, offset, opts));
        return 'restart';
      }
      if (TRANSIENT_STATUS.has(res.status)) {
        await res.body?.cancel();
        throw new TransientError(`HTTP ${res.status} ${res.statusText}`);
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new AppError(res.status === 404 || res.status === 410 ? 'NotFound' : 'Network', `${url}: HTTP ${res.status} ${res.statusText}`, { url, status: res.status });
      }
      let bodyTotal: number | undefined;
      if (res.status === 206) {
        const range = parseContentRange(res.headers.get('content-range'));
        if (!range || range.start !== offset) {
          await res.body?.cancel();
          ({ offset, hash } = await restart(fh, offset, opts));
          return 'restart';
        }
        bodyTotal = range.total;
      } else {
        // 200: the server ignored Range (or the file changed under If-Range): start from 0.
        if (offset > 0) {
          ({ offset, hash } = await restart(fh, offset, opts));
          restarts++;
        }
        const len = res.headers.get('content-length');
        bodyTotal = len !== null && /^\d+$/.test(len) ? Number(len) : undefined;
      }
      if (bodyTotal !== undefined) {
        if (opts.expectedSize !== undefined && bodyTotal !== opts.expectedSize) {
          await res.body?.cancel();
          throw new AppError('Conflict', `${url}: the server has ${bodyTotal} bytes but the catalog expects ${opts.expectedSize}; the catalog entry may be out of date`, {
            url,
            serverBytes: bodyTotal,
            expectedBytes: opts.expectedSize,
          });
        }
        if (total !== bodyTotal) opts.onTotal?.(bodyTotal);
        total = bodyTotal;
      }
      const etag = res.headers.get('etag') ?? undefined;
      const lastModified = res.headers.get('last-modified') ?? undefined;
      meta = {
        url,
        ...(etag ? { etag } : {}),
        ...(lastModified ? { lastModified } : {}),
        ...(total !== undefined ? { total } : {}),
        ...(opts.expectedSize !== undefined ? { expectedSize: opts.expectedSize } : {}),
      };
      await writeSidecar(dest, meta);
      if (!res.body) throw new TransientError('empty response body');
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        await fh.write(chunk);
        hash.update(chunk);
        offset += chunk.length;
        opts.onBytes?.(chunk.length);
      }
      if (total === undefined) {
        // No length from the server: a clean end of body is the end of the file.
        total = offset;
        return 'complete';
      }
      if (offset < total) throw new TransientError(`connection closed after ${offset} of ${total} bytes`);
      return offset === total ? 'complete' : 'partial';
    }

    await fh.sync();
    await fh.close();
    const size = offset;
    const sha256 = hash.digest('hex');
    if (opts.expectedSize !== undefined && size !== opts.expectedSize) {
      await removePart(dest);
      throw new AppError('Network', `${dest}: received ${size} bytes, expected ${opts.expectedSize}; the partial file was deleted`, { file: dest, size, expectedSize: opts.expectedSize });
    }
    if (opts.sha256 && sha256 !== opts.sha256) {
      await removePart(dest);
      throw new AppError(
        'Network',
        `${dest}: sha256 mismatch (expected ${opts.sha256}, got ${sha256}); the corrupt download was deleted and nothing was placed under the final name — run the download again`,
        { file: dest, url, expectedSha256: opts.sha256, actualSha256: sha256, reason: 'checksum' },
      );
    }
    await rename(part, dest);
    await rm(`${dest}.part.json`, { force: true });
    return { sha256, size, resumedFrom, restarts, retried, verified: opts.sha256 !== undefined };
  } catch (err) {
    await fh.close().catch(() => undefined);
    if (signal?.aborted && !(err instanceof AppError && err.kind !== 'Cancelled')) throw cancelled(dest);
    throw err;
  }
}

async function restart(fh: FileHandle, offset: number, opts: DownloadFileOptions): Promise<{ offset: number; hash: Hash }> {
  await fh.truncate(0);
  if (offset > 0) opts.onDiscard?.(offset);
  return { offset: 0, hash: createHash('sha256') };
}

function cancelled(dest: string): AppError {
  return new AppError('Cancelled', `download of ${dest} cancelled; the partial file was kept and the next download resumes it`, { file: dest });
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new AppError('Cancelled', 'download cancelled');
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/** `bytes 100-199/1000` → {start:100, total:1000}; total undefined for `/*`. */
export function parseContentRange(h: string | null): { start: number; end: number; total: number | undefined } | undefined {
  const m = h ? /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(h.trim()) : null;
  if (!m) return undefined;
  return { start: Number(m[1]), end: Number(m[2]), total: m[3] === '*' ? undefined : Number(m[3]) };
}

/** The total from a 416 answer (`bytes \*\/1000` → 1000). */
function parseTotal(h: string | null): number | undefined {
  const m = h ? /\/(\d+)$/.exec(h.trim()) : null;
  return m ? Number(m[1]) : undefined;
}

function isTransient(err: unknown): boolean {
  if (err instanceof TransientError) return true;
  // undici reports network failures as TypeError('fetch failed' | 'terminated') with a cause.
  const seen = new Set<unknown>();
  let e: unknown = err;
  while (e && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
    const msg = (e as { message?: unknown }).message;
    if (e instanceof TypeError && typeof msg === 'string' && /fetch failed|terminated|other side closed/i.test(msg)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

function describe(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  const seen = new Set<unknown>();
  while (e && typeof e === 'object' && !seen.has(e) && parts.length < 3) {
    seen.add(e);
    const msg = (e as { message?: unknown }).message;
    if (typeof msg === 'string' && msg) parts.push(msg);
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join(': ') || String(err);
}
