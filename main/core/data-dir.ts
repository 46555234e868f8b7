import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { noteDataFolder } from './environment-fault.ts';

/**
 * Where AssetQL keeps its database and library. Electron passes app.getPath('userData');
 * the CLI and browser UI use --data-dir, then $ASSETQL_DATA_DIR, then ~/.assetql.
 */
export interface DataDir {
  root: string;
  dbPath: string;
  /** Generated assets, thumbnails, archive, references: everything the user owns. */
  library: string;
  /** Downloaded or located model packs. */
  models: string;
  /** Scratch space for temp files that are renamed into place (same filesystem as library). */
  tmp: string;
}

export function resolveDataDir(explicit?: string): DataDir {
  const root = resolve(explicit ?? process.env['ASSETQL_DATA_DIR'] ?? join(homedir(), '.assetql'));
  const dir: DataDir = {
    root,
    dbPath: join(root, 'assetql.db'),
    library: join(root, 'library'),
    models: join(root, 'models'),
    tmp: join(root, 'library', '.tmp'),
  };
  noteDataFolder(root);
  for (const p of [dir.root, dir.library, dir.models, dir.tmp]) mkdirSync(p, { recursive: true });
  return dir;
}
