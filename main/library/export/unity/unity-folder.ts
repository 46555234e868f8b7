import { AppError } from '../../../core/app-error.ts';
import { sanitizeBaseName } from '../safe-name.ts';

/**
 * The user-chosen folder under Assets/. One path segment, no characters that need escaping in
 * a C# string or Unity path, so the generated script's path check is exact.
 */
export function sanitizeUnityFolder(raw: string | undefined): string {
  const s = sanitizeBaseName((raw ?? 'AssetQL').trim(), 'AssetQL').replace(/[^A-Za-z0-9 _\-.]/g, '_');
  if (s.toLowerCase() === 'editor' || s.toLowerCase() === 'resources') {
    // Unity gives these names special meaning (editor-only code, always-bundled assets).
    throw new AppError('BadInput', `"${s}" is a reserved Unity folder name; choose another --folder`);
  }
  return s;
}

/** A valid C# identifier derived from the folder, so each export folder gets its own class. */
export function csharpIdentifier(folder: string): string {
  const id = folder.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(id) ? `_${id}` : id;
}

/** C# regular string literal escaping (defence in depth: the folder is already sanitised). */
export function csharpString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r/g, '\\r').replace(/\n/g, '\\n')}"`;
}
