import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../core/app-error.ts';

/**
 * How much upload data the app will hold: per file, and in total (stored uploads plus the ones
 * still arriving), so parallel uploads cannot fill the disk or the server's memory. Uploads are
 * CSVs and reference images; 150 MiB is far above any real one.
 */
export const UPLOAD_LIMITS = {
  maxFileBytes: 150 * 1024 * 1024,
  maxTotalBytes: 1024 * 1024 * 1024,
};

/** Bytes reserved by uploads in flight, per uploads folder. */
const inFlight = new Map<string, number>();

/** Reserves room for an upload or refuses it; the returned function releases the reservation. */
export function reserveUploadBytes(uploadsDir: string, name: string, bytes: number): () => void {
  const pending = inFlight.get(uploadsDir) ?? 0;
  const stored = storedBytes(uploadsDir);
  if (stored + pending + bytes > UPLOAD_LIMITS.maxTotalBytes) {
    throw new AppError(
      'BadInput',
      `${name} does not fit: uploads may hold ${Math.round(UPLOAD_LIMITS.maxTotalBytes / 1024 / 1024)} MiB in total and ${Math.round((stored + pending) / 1024 / 1024)} MiB are taken; try again when the current uploads finish (old uploads are removed after 7 days)`,
    );
  }
  inFlight.set(uploadsDir, pending + bytes);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    inFlight.set(uploadsDir, (inFlight.get(uploadsDir) ?? bytes) - bytes);
  };
}

/** Sum of the finished files in <uploads>/<id>/ (two levels; uploads are one file per id). */
function storedBytes(uploadsDir: string): number {
  let total = 0;
  for (const id of list(uploadsDir)) {
    for (const name of list(join(uploadsDir, id))) {
      if (name.startsWith('.')) continue; // a part file still arriving is counted by its reservation
      try {
        total += statSync(join(uploadsDir, id, name)).size;
      } catch {
        // removed while we looked: nothing to count
      }
    }
  }
  return total;
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
