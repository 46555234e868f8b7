/**
 * How each shell turns a library-relative path into a URL the renderer can load: Electron
 * serves the library through the asset:// protocol, the browser UI under /files/ (token-checked).
 */
export type FileUrl = (libraryRelativePath: string) => string;

const encodePath = (rel: string): string => rel.split(/[\\/]/).map(encodeURIComponent).join('/');

export const electronFileUrl: FileUrl = (rel) => `asset://library/${encodePath(rel)}`;
export const browserFileUrl: FileUrl = (rel) => `/files/${encodePath(rel)}`;
