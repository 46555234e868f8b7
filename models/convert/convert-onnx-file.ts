import { open, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { DT, type Tensor } from '../onnx-graph/onnx-schema.ts';
import { externalInfo, isExternal, readModel, setExternal, setInline, tensorBytes, writeModel } from '../onnx-graph/model-io.ts';
import { convertGraphToFp16, type Fp16Stats } from './fp16-graph.ts';

export interface ConvertFileOptions {
  /** Name of the external data file to write next to `dest` (weights out of the .onnx). */
  externalData?: string;
  keepFp32Ops?: Iterable<string>;
}

/**
 * Converts one ONNX file to portable fp16. With `externalData`, every initializer (converted or
 * not) is streamed into that file so the .onnx stays small and nothing points back at the fp32
 * source; without it, weights are stored inline.
 */
export async function convertOnnxFileToFp16(src: string, dest: string, opts: ConvertFileOptions = {}): Promise<Fp16Stats> {
  const model = await readModel(src);
  const srcDir = dirname(src);
  let fh: FileHandle | undefined;
  let offset = 0;
  const store = async (t: Tensor, dataType: number, bytes: Uint8Array): Promise<void> => {
    // Small tensors stay inline, as onnx's own external-data writer does: shape inference needs
    // the values of scalars (Range limits, Reshape shapes) and cannot read external ones.
    if (!opts.externalData || bytes.length < 1024) {
      setInline(t, dataType, bytes);
      return;
    }
    fh ??= await open(`${dirname(dest)}/${basename(opts.externalData)}`, 'w');
    await fh.write(bytes, 0, bytes.length, offset);
    setExternal(t, dataType, basename(opts.externalData), offset, bytes.length);
    offset += bytes.length;
  };
  try {
    const stats = await convertGraphToFp16(model, {
      ...(opts.keepFp32Ops ? { keepFp32Ops: opts.keepFp32Ops } : {}),
      readInitializer: (t) => tensorBytes(t, srcDir),
      storeInitializer: (t, fp16) => store(t, DT.FLOAT16, fp16),
    });
    // Initializers left as they were (ints, fp32 ones feeding fp32 ops) must not keep pointing
    // at the source's external file: move them into ours (or inline).
    for (const t of model.graph.initializer) {
      if (isExternal(t) && externalInfo(t).location !== opts.externalData) await store(t, t.dataType, await tensorBytes(t, srcDir));
    }
    await writeModel(dest, model);
    return stats;
  } finally {
    await fh?.close();
  }
}
