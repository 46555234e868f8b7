import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { AppError } from '../main/core/app-error.ts';
import { PackManifest, MANIFEST_FORMAT } from './manifest.ts';

/**
 * The catalog lists the real packs a user can download: where each file lives, how big it is,
 * its sha256 when known, and the manifest template the pack is written with once downloaded
 * (the downloader fills in each component's sha256 and size from what it actually received).
 */
export const CATALOG_FORMAT = 'assetql-catalog/1';
export const DEFAULT_CATALOG_PATH = join(dirname(fileURLToPath(import.meta.url)), 'catalog.json');

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const CatalogFile = z.object({
  /** Path inside the pack folder; also the path the manifest's components refer to. */
  path: z
    .string()
    .min(1)
    .refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'), 'must be a relative path inside the pack'),
  /** https, or http on loopback only (tests and local mirrors). */
  url: z.string().refine(isAllowedUrl, "must be an https URL (http is allowed only for 127.0.0.1/localhost)"),
  /** Bytes. Exact only when sizeExact is true; otherwise the rounded figure the host shows. */
  size: z.number().int().positive(),
  sizeExact: z.boolean().default(false),
  sha256: Sha256.optional(),
  /** True only when someone downloaded the file and checked both size and sha256. */
  verified: z.boolean().default(false),
  /** Which component (or 'tokenizer') the file belongs to, for display. */
  role: z.string().optional(),
});
export type CatalogFile = z.infer<typeof CatalogFile>;

export const CatalogPack = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  name: z.string().min(1),
  kind: z.enum(['sdxl', 'clip', 'ip-adapter']),
  /** What the product uses it for: final generations, fast previews, embeddings, style tokens. */
  role: z.enum(['generate', 'preview', 'embed', 'style']),
  precision: z.enum(['float16', 'float32']),
  license: z.string(),
  source: z.string().refine(isAllowedUrl, "must be an https URL"),
  /**
   * The model this pack is one variant of (e.g. sdxl-base-1.0): packs of one model differ only
   * in which providers they run on and their precision.
   */
  model: z.string().optional(),
  /** cuda-fp16: fused CUDA-only export; portable-fp16: standard ops, fp32 I/O; fp32: runs anywhere. */
  variant: z.enum(['cuda-fp16', 'portable-fp16', 'fp32']).optional(),
  /**
   * The Hugging Face repository the files come from and the commit they must come from. null =
   * no revision could be pinned when the catalog was written: the downloader resolves the branch
   * in the URLs to a commit before downloading and fetches every file from that one commit.
   */
  hub: z.object({ repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/), revision: z.string().regex(/^[0-9a-f]{40}$/).nullable() }).optional(),
  /** False when no complete public ONNX export exists: the user must locate or build their own. */
  downloadable: z.boolean(),
  /** Pack id of the fp32 pack `models convert --fp16` builds this pack from. */
  buildFrom: z.string().optional(),
  /** Ids this pack was published under before, so installed copies are still recognised. */
  legacyIds: z.array(z.string()).default([]),
  notes: z.string().default(''),
  files: z.array(CatalogFile).default([]),
  /** Manifest template (without per-file sha256/size, which the downloader fills in). */
  manifest: PackManifest,
});
export type CatalogPack = z.infer<typeof CatalogPack>;

export const Catalog = z
  .object({
    format: z.literal(CATALOG_FORMAT),
    note: z.string().default(''),
    packs: z.array(CatalogPack).min(1),
  })
  .superRefine((cat, ctx) => {
    const ids = new Set<string>();
    cat.packs.forEach((pack, i) => {
      if (ids.has(pack.id)) ctx.addIssue({ code: 'custom', path: ['packs', i, 'id'], message: `duplicate pack id ${pack.id}` });
      ids.add(pack.id);
      if (pack.manifest.id !== pack.id) {
        ctx.addIssue({ code: 'custom', path: ['packs', i, 'manifest', 'id'], message: `manifest id ${pack.manifest.id} differs from pack id ${pack.id}` });
      }
      if (pack.manifest.kind !== pack.kind) {
        ctx.addIssue({ code: 'custom', path: ['packs', i, 'manifest', 'kind'], message: `manifest kind ${pack.manifest.kind} differs from pack kind ${pack.kind}` });
      }
      if (pack.downloadable && pack.files.length === 0) ctx.addIssue({ code: 'custom', path: ['packs', i, 'files'], message: 'a downloadable pack needs files' });
      if (!pack.downloadable && pack.files.length === 0 && !pack.buildFrom) {
        ctx.addIssue({ code: 'custom', path: ['packs', i, 'files'], message: 'a pack that is neither downloadable nor built from another pack needs files to locate' });
      }
      if (pack.buildFrom && !cat.packs.some((p) => p.id === pack.buildFrom && p.downloadable)) {
        ctx.addIssue({ code: 'custom', path: ['packs', i, 'buildFrom'], message: `buildFrom ${pack.buildFrom} is not a downloadable pack in this catalog` });
      }
      const paths = new Set<string>();
      pack.files.forEach((f, j) => {
        if (paths.has(f.path)) ctx.addIssue({ code: 'custom', path: ['packs', i, 'files', j, 'path'], message: `duplicate file ${f.path}` });
        paths.add(f.path);
      });
      // A downloadable pack must bring every file its manifest names, or it could never load.
      if (pack.downloadable) {
        for (const ref of manifestFileRefs(pack.manifest)) {
          if (!paths.has(ref)) {
            ctx.addIssue({ code: 'custom', path: ['packs', i, 'files'], message: `manifest refers to ${ref}, which is not in files` });
          }
        }
      }
    });
  });
export type Catalog = z.infer<typeof Catalog>;

/** Every file path a manifest refers to: component graphs, external data, tokenizer files. */
export function manifestFileRefs(manifest: PackManifest): string[] {
  const refs: string[] = [];
  for (const comp of Object.values(manifest.components)) {
    if (!comp) continue;
    refs.push(comp.file);
    for (const ext of comp.externalData) refs.push(ext.file);
  }
  const tokenizers = manifest.kind === 'sdxl' ? [manifest.tokenizer, manifest.tokenizer_2] : manifest.kind === 'clip' ? [manifest.tokenizer] : [];
  for (const t of tokenizers) {
    refs.push(t.merges);
    if (t.vocab) refs.push(t.vocab);
  }
  return refs;
}

export function parseCatalog(raw: unknown, source = 'catalog'): Catalog {
  const parsed = Catalog.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') : '';
    throw new AppError('BadInput', `${source} is invalid at ${where || '(root)'}: ${issue?.message ?? 'unknown error'}`, {
      file: source,
      issues: parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return parsed.data;
}

export function loadCatalog(path: string = DEFAULT_CATALOG_PATH): Catalog {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new AppError('NotFound', `cannot read model catalog ${path}: ${(err as Error).message}`, { file: path });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new AppError('BadInput', `model catalog ${path} is not valid JSON: ${(err as Error).message}`, { file: path });
  }
  return parseCatalog(raw, path);
}

export function findPack(catalog: Catalog, id: string): CatalogPack {
  const pack = catalog.packs.find((p) => p.id === id);
  if (!pack) {
    throw new AppError('NotFound', `unknown model pack "${id}"; known packs: ${catalog.packs.map((p) => p.id).join(', ')}`, { packId: id });
  }
  return pack;
}

export function packTotalBytes(pack: CatalogPack): number {
  return pack.files.reduce((sum, f) => sum + f.size, 0);
}

/** The catalog entry an installed pack id belongs to (current or legacy id). */
export function catalogEntryFor(catalog: Catalog, id: string): CatalogPack | undefined {
  return catalog.packs.find((p) => p.id === id) ?? catalog.packs.find((p) => p.legacyIds.includes(id));
}

export interface FileDigest {
  sha256: string;
  size: number;
}

/**
 * The manifest a downloaded pack is written with: the catalog's template plus the sha256 and
 * size of every component file and external-data file as actually received and verified.
 */
export function buildInstalledManifest(pack: CatalogPack, digests: ReadonlyMap<string, FileDigest>): PackManifest {
  const manifest = structuredClone(pack.manifest) as PackManifest;
  for (const comp of Object.values(manifest.components)) {
    if (!comp) continue;
    const d = digests.get(comp.file);
    if (d) {
      comp.sha256 = d.sha256;
      comp.size = d.size;
    }
    for (const ext of comp.externalData) {
      const e = digests.get(ext.file);
      if (e) {
        ext.sha256 = e.sha256;
        ext.size = e.size;
      }
    }
  }
  if (manifest.format !== MANIFEST_FORMAT) throw new AppError('Internal', `unexpected manifest format ${manifest.format}`);
  return PackManifest.parse(manifest);
}

export function isAllowedUrl(s: string): boolean {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return false;
  }
  if (u.protocol === 'https:') return true;
  return u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]');
}

/** Components `models convert --fp16` keeps in fp32 (the SDXL VAE overflows in fp16). */
export const FP32_KEPT_COMPONENTS: readonly string[] = ['vae_decoder', 'vae_encoder'];

/**
 * Bytes the pack takes on disk: the download for downloadable packs; for packs built from
 * another pack, the source's size with every converted weight halved (fp32 → fp16).
 */
export function packDiskBytes(catalog: Catalog, pack: CatalogPack): number {
  if (!pack.buildFrom) return packTotalBytes(pack);
  const source = catalog.packs.find((p) => p.id === pack.buildFrom);
  if (!source) return 0;
  return source.files.reduce((sum, f) => {
    const kept = !f.path.endsWith('.onnx') && !f.path.endsWith('_data') && !f.path.endsWith('.data');
    const fp32 = FP32_KEPT_COMPONENTS.some((c) => f.path.startsWith(`${c}/`));
    return sum + (kept || fp32 ? f.size : Math.ceil(f.size / 2));
  }, 0);
}
