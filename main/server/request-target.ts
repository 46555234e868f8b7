/**
 * Parses a request target (`/path?query`) without trusting the Host header: `new URL(req.url,
 * 'http://' + host)` threw on `Host: a b` or a target of `//`, and the throw killed the server.
 * Returns null for anything that is not an origin-form target; callers answer 400.
 */
export function parseRequestTarget(raw: string | undefined): URL | null {
  if (!raw || raw.length > 8192 || !raw.startsWith('/') || raw.startsWith('//')) return null;
  try {
    const url = new URL(raw, 'http://target.invalid');
    return url.host === 'target.invalid' ? url : null;
  } catch {
    return null;
  }
}

/** decodeURIComponent that answers null instead of throwing on a malformed %-escape. */
export function decodePath(path: string): string | null {
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}
