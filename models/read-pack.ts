import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkerError } from '../workers/protocol.ts';
import { MANIFEST_FILE, PackManifest, type ClipManifest, type PackKind, type SdxlManifest } from './manifest.ts';

type ManifestOf<K extends PackKind> = Extract<PackManifest, { kind: K }>;

/**
 * (File reads and schema checks only, no runtime: main/ and workers/ both call it.)
 * Reads and validates `<dir>/manifest.json` and checks that every file it names is present,
 * so a half-installed pack fails up front with ModelMissing naming the file rather than deep
 * inside a denoising loop.
 */
export async function readPack<K extends PackKind>(dir: string, kind: K): Promise<ManifestOf<K>> {
  const manifestPath = join(dir, MANIFEST_FILE);
  let raw: string;
  try {
    raw = await readFile(manifestPath, 'utf8');
  } catch {
    throw new WorkerError('ModelMissing', `model pack manifest missing: ${manifestPath}`, { file: manifestPath });
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new WorkerError('BadInput', `model pack manifest is not valid JSON: ${manifestPath} (${(err as Error).message})`, { file: manifestPath });
  }
  const parsed = PackManifest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new WorkerError('BadInput', `invalid model pack manifest ${manifestPath}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'schema mismatch'}`, { file: manifestPath });
  }
  const manifest = parsed.data;
  if (manifest.kind !== kind) throw new WorkerError('BadInput', `${dir} holds a ${manifest.kind} pack, expected ${kind}`, { file: manifestPath });
  for (const file of packFiles(manifest)) {
    const full = join(dir, file);
    try {
      await access(full);
    } catch {
      throw new WorkerError('ModelMissing', `model pack ${manifest.id} is missing ${file} (${full})`, { file: full });
    }
  }
  return manifest as ManifestOf<K>;
}

/** Every file a manifest references: component graphs, their external data, tokenizer files. */
export function packFiles(manifest: PackManifest): string[] {
  const files: string[] = [];
  for (const c of Object.values(manifest.components)) {
    if (!c) continue;
    files.push(c.file, ...c.externalData.map((e) => e.file));
  }
  const tokenizers = manifest.kind === 'sdxl' ? [manifest.tokenizer, manifest.tokenizer_2] : manifest.kind === 'clip' ? [manifest.tokenizer] : [];
  for (const t of tokenizers) files.push(t.merges, ...(t.vocab ? [t.vocab] : []));
  return files;
}

export type { ClipManifest, SdxlManifest };
