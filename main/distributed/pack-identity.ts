import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClipManifest, SdxlManifest } from '../../models/manifest.ts';
import { readPack } from '../../models/read-pack.ts';
import type { VariantLora } from './job-types.ts';

/** A pack as the queue sees it: two machines share jobs only when both id and content match. */
export interface PackIdentity {
  packId: string;
  /** sha256 (first 16 hex) over the manifest and every file it names, in manifest order. */
  hash: string;
  version: string;
  dir: string;
  manifest: SdxlManifest;
}

/** A CLIP pack the same way: a worker embeds for the coordinator only with byte-identical weights. */
export interface ClipPackIdentity {
  packId: string;
  hash: string;
  version: string;
  dir: string;
  manifest: ClipManifest;
}

const cache = new Map<string, Promise<PackIdentity>>();
const clipCache = new Map<string, Promise<ClipPackIdentity>>();

/**
 * Hashes a pack's content once per process (keyed by folder + manifest mtime). A real SDXL pack
 * is several GB, so this reads it once at start (a few seconds on an SSD); two copies of the
 * "same" pack that differ in any byte get different queues, so a worker never makes an image
 * with weights the coordinator did not ask for.
 */
export function packIdentity(dir: string): Promise<PackIdentity> {
  let p = cache.get(dir);
  if (!p) {
    p = compute(dir);
    p.catch(() => cache.delete(dir));
    cache.set(dir, p);
  }
  return p;
}

export function clipPackIdentity(dir: string): Promise<ClipPackIdentity> {
  let p = clipCache.get(dir);
  if (!p) {
    p = (async () => {
      const manifest = await readPack(dir, 'clip');
      return { packId: manifest.id, hash: await contentHash(dir, manifest), version: manifest.version, dir, manifest };
    })();
    p.catch(() => clipCache.delete(dir));
    clipCache.set(dir, p);
  }
  return p;
}

async function compute(dir: string): Promise<PackIdentity> {
  const manifest = await readPack(dir, 'sdxl');
  return { packId: manifest.id, hash: await contentHash(dir, manifest), version: manifest.version, dir, manifest };
}

async function contentHash(dir: string, manifest: SdxlManifest | ClipManifest): Promise<string> {
  const h = createHash('sha256');
  h.update(await readFile(join(dir, 'manifest.json')));
  // Files whose sha256 the manifest declares were verified on download (models verify): use it
  // rather than re-reading gigabytes; undeclared files (test packs, hand-made packs) are hashed.
  for (const f of componentFiles(manifest)) h.update(`${f.file}\0${f.sha256 ?? (await fileSha256(join(dir, f.file)))}\n`);
  return h.digest('hex').slice(0, 16);
}

function componentFiles(m: SdxlManifest | ClipManifest): { file: string; sha256?: string | undefined }[] {
  const out: { file: string; sha256?: string | undefined }[] = [];
  for (const c of Object.values(m.components)) {
    if (!c) continue;
    out.push({ file: c.file, sha256: c.sha256 });
    for (const x of c.externalData) out.push({ file: x.file, sha256: x.sha256 });
  }
  return out;
}

function fileSha256(path: string): Promise<string> {
  const h = createHash('sha256');
  return new Promise((resolve, reject) => {
    createReadStream(path)
      .on('data', (c) => h.update(c))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject);
  });
}

/**
 * The LoRAs of a variant in canonical order (content hash, then scale): the order a batch lists
 * them in does not make another variant, and every machine bakes them in this same order.
 */
export function canonicalLoras(loras: readonly VariantLora[]): VariantLora[] {
  return [...loras].sort((a, b) => (a.sha256 < b.sha256 ? -1 : a.sha256 > b.sha256 ? 1 : a.scale - b.scale));
}

/**
 * A variant's LoRA set as a short stable key ('' for none): the sorted (sha256, scale) pairs.
 * With the base pack's content hash in the queue name, this is the variant's whole identity.
 */
export function variantLoraKey(loras: readonly VariantLora[]): string {
  if (loras.length === 0) return '';
  const lines = canonicalLoras(loras).map((l) => `${l.sha256}:${l.scale}`);
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 12);
}

/** One BullMQ queue per pack variant (pack id + content hash + LoRA set). Names avoid ':' (BullMQ's key separator). */
export function variantQueueName(packId: string, hash: string, loraKey: string): string {
  return `assetql-gen.${packId}.${hash}${loraKey ? `.${loraKey}` : ''}`;
}
