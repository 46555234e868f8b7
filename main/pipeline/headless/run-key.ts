import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/**
 * Identity of a headless run: the CSV's bytes, the reference files' bytes (sorted by name) and
 * the effective options. A second `assetql run` with the same inputs and data folder finds the
 * batch by this key and resumes it instead of starting over.
 */
export async function computeRunKey(csvSha256: string, refFiles: readonly string[], options: Record<string, unknown>): Promise<string> {
  const h = createHash('sha256');
  h.update(`csv:${csvSha256}\n`);
  for (const f of [...refFiles].sort()) {
    h.update(`ref:${createHash('sha256').update(await readFile(f)).digest('hex')}\n`);
  }
  h.update(`options:${JSON.stringify(options, Object.keys(options).sort())}\n`);
  return h.digest('hex');
}

export async function fileSha256(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}
