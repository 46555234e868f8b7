import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AppError } from '../../main/core/app-error.ts';
import { FP32_KEPT_COMPONENTS, loadCatalog, manifestFileRefs, type Catalog } from '../catalog.ts';
import { ensureFreeSpace, freeBytesAt, type FreeSpaceFn } from '../downloader/disk-space.ts';
import { sha256File } from '../downloader/hash-file.ts';
import { writeJsonAtomic } from '../downloader/download-pack.ts';
import { MANIFEST_FILE, PackManifest, type SdxlManifest } from '../manifest.ts';
import { readPackManifest } from '../pack-store.ts';
import { convertOnnxFileToFp16 } from './convert-onnx-file.ts';
import type { Fp16Stats } from './fp16-graph.ts';

export interface ConvertPackOptions {
  srcDir: string;
  outDir: string;
  /** Pack id of the result; defaults to the catalog pack built from the source, else <src>-portable-fp16. */
  id?: string;
  catalog?: Catalog;
  onStage?: (stage: string, done: number, total: number) => void;
  freeSpace?: FreeSpaceFn;
}

export interface ConvertPackResult {
  id: string;
  dir: string;
  manifest: PackManifest;
  components: Record<string, Fp16Stats | 'copied'>;
}

/** The pack id `models convert --fp16` gives a source pack's result. */
export function convertedPackId(srcId: string, catalog: Catalog): string {
  return catalog.packs.find((p) => p.buildFrom === srcId)?.id ?? `${srcId.replace(/-fp32$/, '')}-portable-fp16`;
}

/**
 * Builds the portable fp16 pack from an fp32 SDXL pack: text encoders, UNet (and IP-Adapter
 * projection) converted, the VAE copied in fp32 (SDXL's VAE overflows in fp16), tokenizers
 * copied, I/O left fp32 so the pipeline feeds it exactly like the source. Written into
 * `<out>.building` and renamed at the end, manifest last, so a half-built pack never looks done.
 */
export async function convertPackToFp16(opts: ConvertPackOptions): Promise<ConvertPackResult> {
  const catalog = opts.catalog ?? loadCatalog();
  const src = readPackManifest(opts.srcDir);
  if (src.kind !== 'sdxl') throw new AppError('BadInput', `${opts.srcDir} holds a ${src.kind} pack; fp16 conversion is for SDXL packs`);
  if (src.components.unet.inputs['sample']?.dtype !== 'float32' || src.convertedFrom) {
    throw new AppError('BadInput', `pack ${src.id} is not an fp32 pack (its UNet takes ${src.components.unet.inputs['sample']?.dtype ?? '?'}); convert the fp32 export instead`, { packId: src.id });
  }
  const id = opts.id ?? convertedPackId(src.id, catalog);
  const target = catalog.packs.find((p) => p.id === id);
  if (existsSync(join(opts.outDir, MANIFEST_FILE))) throw new AppError('Conflict', `${opts.outDir} already holds a pack; remove it or choose another folder`, { dir: opts.outDir });
  const work = `${opts.outDir}.building`;
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });

  const refs = manifestFileRefs(src);
  const sizeOf = (rel: string): number => statSync(join(opts.srcDir, rel)).size;
  const keptFiles = new Set(
    Object.entries(src.components).flatMap(([name, c]) => (c && FP32_KEPT_COMPONENTS.includes(name) ? [c.file, ...c.externalData.map((e) => e.file)] : [])),
  );
  const kept = (rel: string): boolean => keptFiles.has(rel) || !/\.onnx(_data|\.data)?$/.test(rel);
  const needed = refs.reduce((sum, rel) => sum + (kept(rel) ? sizeOf(rel) : Math.ceil(sizeOf(rel) / 2)), 0);
  await ensureFreeSpace(work, needed, opts.freeSpace ?? freeBytesAt);

  const manifest = structuredClone(src) as SdxlManifest;
  const results: Record<string, Fp16Stats | 'copied'> = {};
  const entries = Object.entries(manifest.components).filter((e): e is [string, NonNullable<(typeof e)[1]>] => e[1] !== undefined);
  let step = 0;
  const total = entries.length + 1;
  try {
    for (const [name, comp] of entries) {
      const keep = FP32_KEPT_COMPONENTS.includes(name);
      opts.onStage?.(`${keep ? 'copying' : 'converting'} ${name}`, step++, total);
      await mkdir(dirname(join(work, comp.file)), { recursive: true });
      if (keep) {
        for (const rel of [comp.file, ...comp.externalData.map((e) => e.file)]) await copyFile(join(opts.srcDir, rel), join(work, rel));
        results[name] = 'copied';
      } else {
        const ext = comp.externalData[0]?.file;
        results[name] = await convertOnnxFileToFp16(join(opts.srcDir, comp.file), join(work, comp.file), ext ? { externalData: ext.split('/').pop() as string } : {});
        comp.externalData = ext ? [{ file: ext }] : [];
      }
      for (const rel of [comp.file, ...comp.externalData.map((e) => e.file)]) {
        const d = await sha256File(join(work, rel));
        if (rel === comp.file) Object.assign(comp, { sha256: d.sha256, size: d.size });
        else Object.assign(comp.externalData.find((e) => e.file === rel) ?? {}, { sha256: d.sha256, size: d.size });
      }
    }
    opts.onStage?.('copying tokenizers', step++, total);
    for (const t of [manifest.tokenizer, manifest.tokenizer_2]) {
      for (const rel of [t.merges, t.vocab].filter((x): x is string => !!x)) {
        await mkdir(dirname(join(work, rel)), { recursive: true });
        if (!existsSync(join(work, rel))) await copyFile(join(opts.srcDir, rel), join(work, rel));
      }
    }
    const out = PackManifest.parse({
      ...manifest,
      id,
      name: target?.manifest.name ?? `${src.name} (portable fp16)`,
      description: `${src.description || src.name}: portable fp16 built from ${src.id} by assetql models convert`,
      providers: target?.manifest.providers ?? ['cuda', 'dml', 'coreml', 'webgpu'],
      ...(target?.manifest.gpuMemory ? { gpuMemory: target.manifest.gpuMemory } : {}),
      verification: undefined,
      convertedFrom: { packId: src.id, precision: 'float32', tool: 'assetql models convert --fp16' },
    });
    await writeJsonAtomic(join(work, MANIFEST_FILE), out);
    await rm(opts.outDir, { recursive: true, force: true });
    await rename(work, opts.outDir);
    opts.onStage?.('done', total, total);
    return { id, dir: opts.outDir, manifest: out, components: results };
  } catch (err) {
    await rm(work, { recursive: true, force: true });
    throw err;
  }
}
