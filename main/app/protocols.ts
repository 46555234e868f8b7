import { protocol, net } from 'electron';
import { pathToFileURL } from 'node:url';

import { resolveInside } from '../core/safe-path.ts';
import { contentSecurityPolicy } from '../server/content-security.ts';

/** app:// serves the built renderer; asset:// serves the library (and nothing outside it). */
export const APP_ORIGIN = 'app://renderer';
export const ASSET_ORIGIN = 'asset://library';

/** Must run before app 'ready': both schemes behave like https (secure, fetch, no CORS holes). */
export function registerPrivilegedSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    { scheme: 'asset', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

export function handleProtocols(rendererDir: string, libraryDir: string): void {
  protocol.handle('app', async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'renderer') return new Response('not found', { status: 404 });
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    let file: string;
    try {
      file = resolveInside(rendererDir, rel);
    } catch {
      return new Response('forbidden', { status: 403 });
    }
    const res = await net.fetch(pathToFileURL(file).toString());
    if (!file.endsWith('.html')) return res;
    const headers = new Headers(res.headers);
    headers.set('content-security-policy', contentSecurityPolicy());
    return new Response(res.body, { status: res.status, headers });
  });

  protocol.handle('asset', async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'library') return new Response('not found', { status: 404 });
    try {
      // resolveInside refuses '..', absolute paths and symlinks that leave the library.
      const file = resolveInside(libraryDir, decodeURIComponent(url.pathname.slice(1)));
      return await net.fetch(pathToFileURL(file).toString());
    } catch {
      return new Response('forbidden', { status: 403 });
    }
  });
}

export function rendererIndexUrl(): string {
  return `${APP_ORIGIN}/index.html`;
}

export { electronFileUrl as assetUrl } from '../core/file-urls.ts';

