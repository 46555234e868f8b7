import { safeStorage } from 'electron';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validateApiKey, type KeyStore } from '../llm/key-store.ts';
import { AppError } from '../core/app-error.ts';

/**
 * Secrets in the desktop app: encrypted with the OS keychain (Keychain, DPAPI, libsecret) via
 * Electron's safeStorage, stored as <userData>/secrets/<name>.enc (0600). Where the OS offers no
 * encryption backend (e.g. Linux without a keyring) we refuse rather than store plaintext.
 */
export function createSafeStorageKeyStore(root: string, name: string): KeyStore {
  const dir = join(root, 'secrets');
  const file = join(dir, `${name}.enc`);
  return {
    description: `OS keychain (Electron safeStorage), ${file}`,
    async get() {
      let data: Buffer;
      try {
        data = await readFile(file);
      } catch {
        return null;
      }
      return safeStorage.decryptString(data) || null;
    },
    async set(key) {
      if (!safeStorage.isEncryptionAvailable()) {
        throw new AppError('Unavailable', 'this system has no keychain for encrypted secrets; use the CLI key file (assetql serve) instead');
      }
      const clean = validateApiKey(key);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const tmp = `${file}.tmp`;
      await writeFile(tmp, safeStorage.encryptString(clean), { mode: 0o600 });
      await chmod(tmp, 0o600).catch(() => undefined);
      await rename(tmp, file);
    },
    async clear() {
      await rm(file, { force: true });
    },
  };
}
