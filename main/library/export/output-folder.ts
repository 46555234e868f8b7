import { lstat, mkdir, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { AppError } from '../../core/app-error.ts';
import { withCounter } from './safe-name.ts';
import { pathExists } from '../../core/path-exists.ts';

/**
 * The only way exporters touch the disk. Every relative path is resolved against the chosen
 * output folder and refused when it would land outside it — by `..`, an absolute path, a drive
 * letter or a symlinked directory — so no asset name can make an export write elsewhere.
 * It also hands out unique names so two items (or a previous export) never share a target.
 */
export class OutputFolder {
  private readonly reserved = new Set<string>();

  private constructor(readonly root: string) {}

  static async open(outDir: string): Promise<OutputFolder> {
    if (!outDir || typeof outDir !== 'string') throw new AppError('BadInput', 'an output folder is required');
    const abs = resolve(outDir);
    try {
      await mkdir(abs, { recursive: true });
    } catch (err) {
      throw new AppError('BadInput', `cannot create the output folder ${abs}: ${(err as Error).message}`, { file: abs });
    }
    const st = await lstat(abs);
    if (!st.isDirectory() && !st.isSymbolicLink()) throw new AppError('BadInput', `${abs} is not a folder`, { file: abs });
    return new OutputFolder(await realpath(abs));
  }

  /** Absolute path for a relative one, or a BadInput error when it escapes the folder. */
  resolveInside(relPath: string): string {
    const norm = relPath.replace(/\\/g, '/');
    if (norm === '' || isAbsolute(relPath) || /^[a-zA-Z]:/.test(norm) || norm.startsWith('/')) {
      throw escapeError(relPath, this.root);
    }
    if (norm.split('/').some((seg) => seg === '..' || seg === '.' || seg === '')) throw escapeError(relPath, this.root);
    const abs = resolve(this.root, ...norm.split('/'));
    const rel = relative(this.root, abs);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw escapeError(relPath, this.root);
    return abs;
  }

  /** Creates the parent folders of relPath and checks no symlink among them leads outside. */
  async ensureParent(relPath: string): Promise<void> {
    const abs = this.resolveInside(relPath);
    const parent = abs.slice(0, abs.lastIndexOf(sep));
    await mkdir(parent, { recursive: true });
    const real = await realpath(parent);
    if (real !== this.root && !real.startsWith(this.root + sep)) throw escapeError(relPath, this.root);
  }

  /**
   * Reserves a target that does not exist yet. A name used earlier in this export becomes
   * `name-2.ext`…; a file already on disk fails with Conflict unless renameOnConflict is set.
   */
  async reserve(relPath: string, renameOnConflict: boolean): Promise<{ rel: string; abs: string; renamed: boolean }> {
    for (let n = 1; n < 10_000; n++) {
      const rel = n === 1 ? relPath : joinRel(dirOf(relPath), withCounter(baseOf(relPath), n));
      const abs = this.resolveInside(rel);
      const key = abs.toLowerCase(); // case-insensitive file systems (Windows, macOS) collide too
      // Two items of the same export sharing a name is normal: always number the second one.
      // A file already on disk is someone else's: refuse unless renaming was asked for.
      if (this.reserved.has(key)) continue;
      if (await pathExists(abs)) {
        if (!renameOnConflict) {
          throw new AppError('Conflict', `${abs} already exists; choose another folder or allow renaming`, { file: abs });
        }
        continue;
      }
      await this.ensureParent(rel);
      this.reserved.add(key);
      return { rel, abs, renamed: n > 1 };
    }
    throw new AppError('Conflict', `no free file name for ${relPath}`, { file: relPath });
  }
}


function dirOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}
function baseOf(rel: string): string {
  return rel.slice(rel.lastIndexOf('/') + 1);
}
function joinRel(dir: string, base: string): string {
  return dir ? `${dir}/${base}` : base;
}

function escapeError(relPath: string, root: string): AppError {
  return new AppError('BadInput', `refusing to write ${JSON.stringify(relPath)}: it is outside the output folder ${root}`, {
    file: relPath,
  });
}
