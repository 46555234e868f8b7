import { isAbsolute, relative, resolve } from 'node:path';
import { AppError } from '../../core/app-error.ts';
import { resolveInside } from '../../core/safe-path.ts';

/**
 * Where an export requested from the UI may write. With an export root set (Settings →
 * Exports), the folder must be inside it, given relative to it or as an absolute path under
 * it (links out of it are refused). Without one, the browser UI writes nothing to disk (it
 * downloads instead): a page must not be able to pick any folder on the server's disk. The
 * desktop app's folder comes from the OS picker, so any absolute folder is allowed there.
 */
export function resolveExportDir(outDir: string | undefined, exportRoot: string, transport: 'electron' | 'browser' | 'test'): string {
  const root = exportRoot.trim();
  if (root) {
    if (!isAbsolute(root)) throw new AppError('BadInput', `the export root in Settings must be an absolute folder (got '${root}')`);
    const wanted = outDir?.trim() || '.';
    const rel = isAbsolute(wanted) ? relative(resolve(root), resolve(wanted)) : wanted;
    if (isAbsolute(rel) || rel.split(/[\\/]/).includes('..')) {
      throw new AppError('BadInput', `exports are written only inside the export root set in Settings (${root}); '${wanted}' is outside it`);
    }
    return resolveInside(root, rel || '.');
  }
  if (transport === 'browser') {
    throw new AppError('BadInput', 'writing exports to disk from the browser needs an export root: set one in Settings → Exports, or download the ZIP instead');
  }
  if (!outDir) throw new AppError('BadInput', 'choose a folder to export to');
  if (!isAbsolute(outDir)) throw new AppError('BadInput', `choose an absolute export folder (got '${outDir}')`);
  return outDir;
}
