import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../core/app-error.ts';
import { validateApiKey, type KeyStore } from './key-store.ts';

/**
 * API key in `<dataDir.root>/secrets/anthropic.key`, directory 0700 and file 0600, written
 * to a temp file created with 0600 and renamed, so the key is never readable by others even
 * for a moment. Like ssh, a key file readable by group/others is refused rather than used.
 * (POSIX only: on Windows the mode bits are not enforced and the check is skipped.)
 */
export function createFileKeyStore(root: string, name = 'anthropic'): KeyStore {
  const dir = join(root, 'secrets');
  const file = join(dir, `${name}.key`);
  const posix = process.platform !== 'win32';
  return {
    description: `file ${file} (mode 0600)`,
    async get() {
      let info;
      try {
        info = await stat(file);
      } catch {
        return null;
      }
      if (posix && (info.mode & 0o077) !== 0) {
        throw new AppError('BadInput', `${file} is readable by other users (mode ${(info.mode & 0o777).toString(8)}); run: chmod 600 "${file}"`, { file });
      }
      const key = (await readFile(file, 'utf8')).trim();
      return key || null;
    },
    async set(key) {
      const clean = validateApiKey(key);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      if (posix) await chmod(dir, 0o700); // mkdir's mode is masked by umask and ignored for existing dirs
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, clean, { mode: 0o600, flag: 'w' });
      if (posix) await chmod(tmp, 0o600);
      await rename(tmp, file);
    },
    async clear() {
      await rm(file, { force: true });
    },
  };
}
