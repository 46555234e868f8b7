import { accessSync, constants } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Faults of the machine, not of the input: a full disk, a read-only or forbidden folder, a path
 * too long for the file system. They reach users as one sentence that names the folder and the
 * fix — not as a SQLite stack trace — from whichever layer they surface in (fs, SQLite, sharp).
 */
export type EnvironmentFault = 'disk-full' | 'read-only' | 'permission' | 'path-too-long';

/** The data folder of this process, once resolved: named when an error carries no path (SQLite). */
let currentDataFolder: string | null = null;

export function noteDataFolder(root: string): void {
  currentDataFolder = root;
}

export function classifyEnvironmentFault(err: unknown): EnvironmentFault | null {
  if (!err || typeof err !== 'object') return null;
  const code = String((err as { code?: unknown }).code ?? '');
  const message = String((err as { message?: unknown }).message ?? '');
  if (code === 'ENOSPC' || code === 'EDQUOT' || code.startsWith('SQLITE_FULL') || /\bENOSPC\b|database or disk is full|No space left on device/i.test(message)) return 'disk-full';
  if (code === 'EROFS' || code.startsWith('SQLITE_READONLY') || /\bEROFS\b|read-only file system|attempt to write a readonly database/i.test(message)) return 'read-only';
  if (code === 'EACCES' || code === 'EPERM' || /\bEACCES\b/.test(message)) return 'permission';
  if (code === 'ENAMETOOLONG' || /\bENAMETOOLONG\b|name too long/i.test(message)) return 'path-too-long';
  // SQLite says only "unable to open database file": ask the folder itself why.
  if (code === 'SQLITE_CANTOPEN' && currentDataFolder) return classifyEnvironmentFault(writeProbe(currentDataFolder));
  return null;
}

function writeProbe(folder: string): unknown {
  try {
    accessSync(folder, constants.W_OK);
    return null;
  } catch (err) {
    return err;
  }
}

/** The folder to name: the one holding the failing path, else the data folder. */
export function faultFolder(err: unknown): string {
  const path = (err as { path?: unknown } | null)?.path;
  if (typeof path === 'string' && path) return path.endsWith('/') ? path : dirname(path);
  return currentDataFolder ?? 'the data folder';
}

export function environmentMessage(fault: EnvironmentFault, folder: string, path?: string): string {
  switch (fault) {
    case 'disk-full':
      return `The disk holding ${folder} is full: free some space there and run the same command again (finished work is kept and the run resumes where it stopped).`;
    case 'read-only':
      return `${folder} is on a read-only file system: make it writable, or choose another data folder with --data-dir (or ASSETQL_DATA_DIR).`;
    case 'permission':
      return `Permission denied for ${path ?? folder}: give your user access to ${folder}, or choose another folder with --data-dir (or ASSETQL_DATA_DIR).`;
    case 'path-too-long':
      return `The path ${path ?? `under ${folder}`} is too long for this file system: use a shorter data folder (--data-dir) or export folder.`;
  }
}
