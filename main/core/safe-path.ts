import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { AppError } from './app-error.ts';

/**
 * Resolves `untrusted` (a relative path from a URL or user input) inside `root` and refuses
 * anything that would land outside it: `..` segments, absolute paths, NUL bytes, and symlinks
 * pointing elsewhere (checked on the real path when the file exists).
 */
export function resolveInside(root: string, untrusted: string): string {
  if (untrusted.includes('\0')) throw new AppError('BadInput', 'path contains a NUL byte');
  if (isAbsolute(untrusted)) throw new AppError('BadInput', `absolute paths are not allowed: ${untrusted}`);
  const base = resolve(root);
  const target = resolve(base, untrusted);
  if (!isWithin(base, target)) throw new AppError('BadInput', `path escapes its folder: ${untrusted}`);
  let real: string;
  try {
    real = realpathSync(target);
  } catch {
    return target; // does not exist yet: the lexical check above is the guarantee
  }
  const realBase = realpathSync(base);
  if (!isWithin(realBase, real)) throw new AppError('BadInput', `path escapes its folder through a link: ${untrusted}`);
  return real;
}

export function isWithin(base: string, target: string): boolean {
  const rel = relative(base, target);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..'));
}
