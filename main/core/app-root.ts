import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The installed app's root folder (where package.json, dist/ and models/catalog.json live).
 * Found by walking up from this module, so it is right both for the TypeScript sources run by
 * tsx and for the esbuild bundle in dist/electron/.
 */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'assetql') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('AssetQL install is damaged: package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export const APP_ROOT = findRoot();
export const APP_VERSION = (JSON.parse(readFileSync(join(APP_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
export const RENDERER_DIR = join(APP_ROOT, 'dist', 'renderer');
