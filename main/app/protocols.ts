import { protocol, net } from 'electron';
import { pathToFileURL } from 'node:url';
import { APP_ORIGIN, ASSET_RESPONSE_HEADERS, resolveAppRequest, resolveAssetRequest } from './shell-security.ts';

export { APP_ORIGIN, ASSET_ORIGIN } from './shell-security.ts';

/** Must run before app 'ready': both schemes behave like https (secure, fetch, no CORS holes). */
export function registerPrivilegedSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    { scheme: 'asset', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

/** Wires the pure request decisions of shell-security.ts (confinement, CSP) into Electron. */
export function handleProtocols(rendererDir: string, libraryDir: string): void {
  protocol.handle('app', async (request) => {
    const target = resolveAppRequest(request.url, rendererDir);
    if ('status' in target) return new Response(target.status === 404 ? 'not found' : 'forbidden', { status: target.status });
    const res = await net.fetch(pathToFileURL(target.file).toString());
    if (!target.csp) return res;
    const headers = new Headers(res.headers);
    headers.set('content-security-policy', target.csp);
    return new Response(res.body, { status: res.status, headers });
  });

  protocol.handle('asset', async (request) => {
    const target = resolveAssetRequest(request.url, libraryDir);
    if ('status' in target) return new Response(target.status === 404 ? 'not found' : 'forbidden', { status: target.status });
    try {
      const res = await net.fetch(pathToFileURL(target.file).toString());
      const headers = new Headers(res.headers);
      for (const [k, v] of Object.entries(ASSET_RESPONSE_HEADERS)) headers.set(k, v);
      return new Response(res.body, { status: res.status, headers });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}

export function rendererIndexUrl(): string {
  return `${APP_ORIGIN}/index.html`;
}

export { electronFileUrl as assetUrl } from '../core/file-urls.ts';
