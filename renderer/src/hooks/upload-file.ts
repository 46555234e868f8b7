import type { Upload } from '../../../preload/api.ts';
import { call } from '../api.ts';

/** Base64 without building one giant string argument list (String.fromCharCode has an arg limit). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

/** Sends a dropped or picked file to the core; the returned uploadId is what intake requests take. */
export async function uploadFile(file: File): Promise<Upload> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return call('uploads.put', { name: file.name, dataBase64: bytesToBase64(bytes) });
}
