import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ComponentSpec, TensorSpec } from '../manifest.ts';
import type { Dim, GraphBuilder } from './graph-builder.ts';
import { encodeModel, type OnnxDtype } from './onnx-proto.ts';

export interface IoDecl {
  name: string;
  dtype: OnnxDtype;
  shape: Dim[];
}

/** Serialises a graph to `<dir>/<file>` and returns its manifest entry (sha256, size, I/O). */
export async function writeComponent(dir: string, file: string, g: GraphBuilder, inputs: IoDecl[], outputs: IoDecl[]): Promise<ComponentSpec> {
  const bytes = encodeModel(g.build(file.replace(/\W+/g, '_')), 'AssetQL test pack: random weights, output is noise');
  await writeFile(join(dir, file), bytes);
  const spec = (io: IoDecl[]): Record<string, TensorSpec> => Object.fromEntries(io.map((d) => [d.name, { dtype: d.dtype, shape: d.shape }]));
  return {
    file,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    size: bytes.byteLength,
    externalData: [],
    inputs: spec(inputs),
    outputs: spec(outputs),
  };
}
