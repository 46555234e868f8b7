import { copyFile, link, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MANIFEST_FILE, type ComponentSpec, type SdxlManifest } from '../manifest.ts';
import type { BytePool } from '../onnx-edit/byte-pool.ts';
import { OnnxFile, type InitializerRef } from '../onnx-edit/onnx-file.ts';
import { rewriteOnnx, type PatchValues, type RewriteOptions } from '../onnx-edit/rewrite-onnx.ts';

export type SdxlComponent = keyof SdxlManifest['components'];
export type Patch = (init: InitializerRef, pool: BytePool) => Promise<PatchValues | null>;

export interface DerivedPackOptions {
  baseDir: string;
  base: SdxlManifest;
  destDir: string;
  id: string;
  name: string;
  description: string;
  /** The weight patch for one component, or null to share the base's files unchanged. */
  patchFor: (component: SdxlComponent, file: OnnxFile) => Promise<Patch | null>;
  /** Graph surgery for one component (nodes replaced / appended, new initializers), or null. */
  surgeryFor?: (component: SdxlComponent, file: OnnxFile) => Promise<Pick<RewriteOptions, 'replaceFields' | 'appendFields' | 'addInitializers'> | null>;
  onBytes?: (n: number) => void;
}

/**
 * Writes a pack that runs the base pack's graphs with its own weights: each patched component
 * is rewritten with all weights in `<component>.onnx_data`; unpatched components and the
 * tokenizer are hard-linked (copied across file systems), so a LoRA variant costs only the
 * bytes of the components it changes.
 */
export async function writeDerivedPack(o: DerivedPackOptions): Promise<SdxlManifest> {
  await rm(o.destDir, { recursive: true, force: true });
  await mkdir(o.destDir, { recursive: true });
  const components: Record<string, ComponentSpec> = {};
  for (const [key, spec] of Object.entries(o.base.components) as Array<[SdxlComponent, ComponentSpec | undefined]>) {
    if (!spec) continue;
    const file = await OnnxFile.read(join(o.baseDir, spec.file));
    const patch = await o.patchFor(key, file);
    const surgery = (await o.surgeryFor?.(key, file)) ?? null;
    if (!patch && !surgery) {
      for (const rel of [spec.file, ...spec.externalData.map((e) => e.file)]) await share(join(o.baseDir, rel), join(o.destDir, rel));
      components[key] = spec;
      continue;
    }
    const onnx = `${key}.onnx`;
    const data = `${key}.onnx_data`;
    const r = await rewriteOnnx(file, join(o.destDir, onnx), data, { ...(patch ? { patch } : {}), ...(surgery ?? {}), ...(o.onBytes ? { onBytes: o.onBytes } : {}) });
    components[key] = { file: onnx, size: r.onnxBytes, externalData: [{ file: data, size: r.dataBytes }], inputs: spec.inputs, outputs: spec.outputs };
  }
  for (const t of [o.base.tokenizer, o.base.tokenizer_2]) {
    for (const rel of [t.merges, t.vocab]) if (rel) await share(join(o.baseDir, rel), join(o.destDir, rel));
  }
  const manifest: SdxlManifest = { ...o.base, id: o.id, name: o.name, description: o.description, components: components as SdxlManifest['components'] };
  await writeFile(join(o.destDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

async function share(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  const exists = await stat(to).then(
    () => true,
    () => false,
  );
  if (exists) return;
  try {
    await link(from, to);
  } catch {
    await copyFile(from, to);
  }
}
