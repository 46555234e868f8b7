import { AppError } from '../core/app-error.ts';

/**
 * Where the Anthropic API key lives. Async and string-in/string-out so the Electron shell
 * can implement it over safeStorage (encryptString → file, decryptString on read) while the
 * CLI and browser server use FileKeyStore. The key never goes into SQLite or logs.
 */
export interface KeyStore {
  /** Human description for settings screens, e.g. "file ~/.assetql/secrets/anthropic.key (0600)". */
  readonly description: string;
  get(): Promise<string | null>;
  set(key: string): Promise<void>;
  clear(): Promise<void>;
}

/** Loose shape check: catches pasted whitespace, quotes and empty strings, not validity. */
export function validateApiKey(key: string): string {
  const trimmed = key.trim();
  if (!trimmed) throw new AppError('BadInput', 'the API key is empty');
  if (/\s|["']/.test(trimmed)) throw new AppError('BadInput', 'the API key contains spaces or quotes; paste only the key');
  return trimmed;
}
