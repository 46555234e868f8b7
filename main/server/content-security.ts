/**
 * One Content-Security-Policy for both shells: scripts only from the app itself, no eval, images
 * from the app, data: and blob: (previews), connections only back to the app (the WebSocket).
 * 'unsafe-inline' styles are needed for React style attributes (positions in virtualised grids).
 */
export function contentSecurityPolicy(connectSrc: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: asset:",
    `connect-src 'self' ${connectSrc.join(' ')}`.trim(),
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * For every file served from the library: a sandboxed document with no scripts, no plugins and
 * no connections, so even a file a browser decides to render cannot act on the app's origin.
 */
export const FILE_SANDBOX_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'";
