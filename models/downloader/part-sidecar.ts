import { readFile, rm, writeFile, rename } from 'node:fs/promises';
import { z } from 'zod';

/**
 * What we knew about the server's copy when a `.part` file was started. A resume is only safe
 * when it continues the same URL and the same representation (ETag / Last-Modified); otherwise
 * the part is discarded and the file restarts from byte 0.
 */
export const PartSidecar = z.object({
  url: z.string(),
  etag: z.string().optional(),
  lastModified: z.string().optional(),
  /** Total size the server reported, when it did. */
  total: z.number().int().nonnegative().optional(),
  /** Size the catalog expected, so a catalog change invalidates old parts. */
  expectedSize: z.number().int().nonnegative().optional(),
});
export type PartSidecar = z.infer<typeof PartSidecar>;

export const partPath = (dest: string): string => `${dest}.part`;
export const sidecarPath = (dest: string): string => `${dest}.part.json`;

export async function readSidecar(dest: string): Promise<PartSidecar | undefined> {
  try {
    const parsed = PartSidecar.safeParse(JSON.parse(await readFile(sidecarPath(dest), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export async function writeSidecar(dest: string, data: PartSidecar): Promise<void> {
  const tmp = `${sidecarPath(dest)}.tmp`;
  await writeFile(tmp, JSON.stringify(data));
  await rename(tmp, sidecarPath(dest));
}

export async function removePart(dest: string): Promise<void> {
  await rm(partPath(dest), { force: true });
  await rm(sidecarPath(dest), { force: true });
}
