/**
 * Where each file lives in the bucket. Shared by the sync and the Shopify export, which builds
 * public image URLs from the same keys, so the two can never disagree.
 */
export function normalizePrefix(prefix: string | undefined): string {
  return (prefix ?? '').replace(/\\/g, '/').replace(/^\/+|\/+$/g, '').replace(/\/{2,}/g, '/');
}

function join(prefix: string, rest: string): string {
  const p = normalizePrefix(prefix);
  return p ? `${p}/${rest}` : rest;
}

/** Ids come from our own DB but are still reduced to a safe key segment. */
function segment(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
}

export function rawObjectKey(prefix: string | undefined, batchId: string, assetId: string): string {
  return join(prefix ?? '', `raw/${segment(batchId)}/${segment(assetId)}.png`);
}

export function thumbnailObjectKey(prefix: string | undefined, assetId: string): string {
  return join(prefix ?? '', `thumbnails/${segment(assetId)}.jpg`);
}

/**
 * Public URL of an object: the base URL points at the bucket root (or a CDN origin mapped to
 * it), the key already carries the sync prefix. Each key segment is percent-encoded.
 */
export function publicObjectUrl(publicBaseUrl: string, key: string): string {
  const base = publicBaseUrl.endsWith('/') ? publicBaseUrl : `${publicBaseUrl}/`;
  return base + key.split('/').map(encodeURIComponent).join('/');
}
