import { AppError } from '../core/app-error.ts';

/**
 * Finds a package on a NuGet v3 feed the way onnxruntime-node's installer does (service index →
 * PackageBaseAddress → flat container), plus what the installer does not do: the package's
 * published SHA-512 and size from its catalog entry (service index → RegistrationsBaseUrl →
 * registration leaf → catalogEntry), so the download can be verified.
 */
export interface NupkgInfo {
  url: string;
  /** Lower-case hex SHA-512 the feed publishes for the .nupkg. */
  sha512: string;
  size: number;
  fileName: string;
}

export async function resolveNupkg(feedIndex: string, packageName: string, version: string, opts: { fetchImpl?: typeof fetch; signal?: AbortSignal } = {}): Promise<NupkgInfo> {
  const doFetch = opts.fetchImpl ?? fetch;
  const getJson = async (url: string, what: string): Promise<Record<string, unknown>> => {
    let res: Response;
    try {
      res = await doFetch(url, { headers: { accept: 'application/json' }, ...(opts.signal ? { signal: opts.signal } : {}) });
    } catch (err) {
      if (opts.signal?.aborted) throw new AppError('Cancelled', 'cancelled');
      throw new AppError('Network', `cannot reach the ONNX Runtime package feed (${url}): ${(err as Error).message}`, { url });
    }
    if (res.status === 404) throw new AppError('NotFound', `${what} not found on the package feed (${url})`, { url });
    if (!res.ok) throw new AppError('Network', `${url}: HTTP ${res.status} while reading ${what}`, { url, status: res.status });
    try {
      return (await res.json()) as Record<string, unknown>;
    } catch {
      throw new AppError('Network', `${url}: ${what} is not JSON`, { url });
    }
  };
  const id = packageName.toLowerCase();
  const ver = version.toLowerCase();
  const index = await getJson(feedIndex, 'the feed index');
  const resources = Array.isArray(index['resources']) ? (index['resources'] as Array<Record<string, unknown>>) : [];
  const find = (type: RegExp): string | undefined => {
    const r = resources.filter((x) => typeof x['@type'] === 'string' && type.test(x['@type'] as string)).sort((a, b) => String(b['@type']).localeCompare(String(a['@type'])))[0];
    const u = r?.['@id'];
    return typeof u === 'string' ? (u.endsWith('/') ? u : `${u}/`) : undefined;
  };
  const base = find(/^PackageBaseAddress\//);
  const reg = find(/^RegistrationsBaseUrl(\/|$)/);
  if (!base || !reg) throw new AppError('Network', `${feedIndex} does not list PackageBaseAddress and RegistrationsBaseUrl; not a NuGet v3 feed`, { url: feedIndex });
  const versions = await getJson(`${base}${id}/index.json`, `package ${packageName}`);
  if (!Array.isArray(versions['versions']) || !(versions['versions'] as unknown[]).includes(ver)) {
    throw new AppError('NotFound', `${packageName} ${version} is not on the feed; this onnxruntime-node needs exactly that version`, { packageName, version });
  }
  const leaf = await getJson(`${reg}${id}/${ver}.json`, `the registration of ${packageName} ${version}`);
  const entryRef = leaf['catalogEntry'];
  const entry = typeof entryRef === 'string' ? await getJson(entryRef, `the catalog entry of ${packageName} ${version}`) : (entryRef as Record<string, unknown> | undefined);
  const hash = entry?.['packageHash'];
  const algo = String(entry?.['packageHashAlgorithm'] ?? '').toUpperCase();
  const size = entry?.['packageSize'];
  if (typeof hash !== 'string' || algo !== 'SHA512' || typeof size !== 'number') {
    throw new AppError('Network', `the feed publishes no SHA-512 for ${packageName} ${version}; refusing to install an unverifiable runtime`, { packageName, version });
  }
  const sha512 = Buffer.from(hash, 'base64').toString('hex');
  if (sha512.length !== 128) throw new AppError('Network', `the feed's SHA-512 for ${packageName} ${version} is malformed`);
  const fileName = `${id}.${ver}.nupkg`;
  return { url: `${base}${id}/${ver}/${fileName}`, sha512, size, fileName };
}
