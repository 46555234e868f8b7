import type { ApiResult, Upload, WIRE } from '../../../preload/api.ts';
import { call, pathForFile, RequestError, transport } from '../api.ts';

// Checked against the contract's type (the renderer may import types only).
const UPLOAD_PATH: (typeof WIRE)['uploadPath'] = '/upload';

/** Base64 without building one giant string argument list (String.fromCharCode has an arg limit). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

/**
 * Sends a dropped or picked file to the core; the returned uploadId is what intake requests take.
 * In the browser UI the file is streamed to the server's upload endpoint (the server writes it
 * to disk as it arrives); in Electron only its path crosses IPC and main streams it from disk.
 */
export async function uploadFile(file: File): Promise<Upload> {
  if (transport() === 'browser') {
    const res = await fetch(`${UPLOAD_PATH}?name=${encodeURIComponent(file.name)}`, { method: 'POST', body: file, credentials: 'same-origin' });
    let result: ApiResult<Upload>;
    try {
      result = (await res.json()) as ApiResult<Upload>;
    } catch {
      throw new RequestError({ kind: 'Unavailable', message: `upload of ${file.name} failed (HTTP ${res.status})` });
    }
    if (!result.ok) throw new RequestError(result.error);
    return result.value;
  }
  const path = pathForFile(file);
  if (path) return call('uploads.fromPath', { path });
  // A File with nothing on disk behind it (pasted, generated) has no path; it is small and
  // already in memory, so it still crosses IPC as bytes.
  const bytes = new Uint8Array(await file.arrayBuffer());
  return call('uploads.put', { name: file.name, dataBase64: bytesToBase64(bytes) });
}
