import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** One generated image found on disk: its library-relative path and what the path says. */
export interface LibraryPng {
  relPath: string;
  batchId: string;
  assetId: string;
  archived: boolean;
}

const ROOTS: { rel: string; archived: boolean }[] = [
  { rel: 'raw', archived: false },
  { rel: 'archive/raw', archived: true },
];

/**
 * Every `raw/<batch>/<asset>.png` and `archive/raw/<batch>/<asset>.png` under the library (the
 * layout library-paths.ts writes). Stops after `limit` when only presence matters.
 */
export function listLibraryPngs(library: string, limit = Infinity): LibraryPng[] {
  const out: LibraryPng[] = [];
  for (const root of ROOTS) {
    for (const batchId of dirs(join(library, ...root.rel.split('/')))) {
      for (const name of files(join(library, ...root.rel.split('/'), batchId))) {
        if (!name.endsWith('.png') || name.startsWith('.')) continue;
        out.push({ relPath: `${root.rel}/${batchId}/${name}`, batchId, assetId: name.slice(0, -4), archived: root.archived });
        if (out.length >= limit) return out;
      }
    }
  }
  return out;
}

function dirs(path: string): string[] {
  try {
    return readdirSync(path, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
      .map((d) => d.name);
  } catch {
    return [];
  }
}

function files(path: string): string[] {
  try {
    return readdirSync(path, { withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => d.name);
  } catch {
    return [];
  }
}
