import { lstat, mkdir, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AppError } from '../../core/app-error.ts';
import { withCounter } from './safe-name.ts';
import { pathExists } from '../../core/path-exists.ts';
import type { ConflictPolicy } from './export-options.ts';

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

  /**
   * Creates the parent folders of relPath one component at a time, checking each BEFORE going
   * further: an existing component that is a link (a symlinked `Assets/` in a Unity project)
   * must resolve inside the output folder, or the export is refused with nothing created —
   * `mkdir -p` first and check after would already have made folders wherever the link points.
   */
  async ensureParent(relPath: string): Promise<void> {
    this.resolveInside(relPath);
    const segments = relPath.replace(/\\/g, '/').split('/').slice(0, -1);
    let current = this.root;
    for (const segment of segments) {
      const next = join(current, segment);
      let st;
      try {
        st = await lstat(next);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        try {
          await mkdir(next);
        } catch (mkErr) {
          if ((mkErr as NodeJS.ErrnoException).code !== 'EEXIST') throw mkErr;
        }
        st = await lstat(next); // raced by another writer: check what is there now
      }
      if (st.isSymbolicLink()) {
        const real = await realpath(next).catch(() => null);
        if (!real || !isWithin(this.root, real)) throw linkError(relPath, next, this.root);
        const target = await lstat(real);
        if (!target.isDirectory()) throw new AppError('BadInput', `${next} is not a folder`, { file: next });
        current = real;
      } else if (st.isDirectory()) {
        current = next;
      } else {
        throw new AppError('BadInput', `${next} is a file, not a folder; cannot export into it`, { file: next });
      }
    }
  }

  /**
   * Reserves a target. A name used earlier in this export becomes `name-2.ext`…; a file already
   * on disk follows the policy: refuse (Conflict), rename (next free name) or overwrite
   * (`replaces: true`: the writer swaps the new file in atomically).
   */
  async reserve(relPath: string, policy: ConflictPolicy | boolean): Promise<{ rel: string; abs: string; renamed: boolean; replaces: boolean }> {
    const onConflict: ConflictPolicy = typeof policy === 'boolean' ? (policy ? 'rename' : 'refuse') : policy;
    for (let n = 1; n < 10_000; n++) {
      const rel = n === 1 ? relPath : joinRel(dirOf(relPath), withCounter(baseOf(relPath), n));
      const abs = this.resolveInside(rel);
      const key = abs.toLowerCase(); // case-insensitive file systems (Windows, macOS) collide too
      // Two items of the same export sharing a name is normal: always number the second one.
      // A file already on disk is someone else's: refuse unless renaming was asked for.
      if (this.reserved.has(key)) continue;
      // Folders first: a path through a link that leaves the folder is refused before any check
      // or write touches what lies behind it.
      await this.ensureParent(rel);
      if (await pathExists(abs)) {
        if (onConflict === 'refuse') {
          throw new AppError('Conflict', `${abs} already exists; choose another folder, or --on-conflict rename|overwrite`, { file: abs });
        }
        if (onConflict === 'overwrite') {
          if ((await lstat(abs)).isDirectory()) throw new AppError('Conflict', `${abs} is a folder; it cannot be replaced by a file`, { file: abs });
          this.reserved.add(key);
          return { rel, abs, renamed: false, replaces: true };
        }
        continue;
      }
      this.reserved.add(key);
      return { rel, abs, renamed: n > 1, replaces: false };
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

function isWithin(root: string, target: string): boolean {
  return target === root || target.startsWith(root + sep);
}

function linkError(relPath: string, link: string, root: string): AppError {
  return new AppError('BadInput', `refusing to write ${JSON.stringify(relPath)}: ${link} is a link that leads outside the output folder ${root}; nothing was written`, { file: link });
}

function escapeError(relPath: string, root: string): AppError {
  return new AppError('BadInput', `refusing to write ${JSON.stringify(relPath)}: it is outside the output folder ${root}`, {
    file: relPath,
  });
}
