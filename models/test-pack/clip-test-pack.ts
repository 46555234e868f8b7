import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ClipManifest, MANIFEST_FILE, MANIFEST_FORMAT } from '../manifest.ts';
import { FloatIo } from './float-io.ts';
import { GraphBuilder } from './graph-builder.ts';
import { textEncoderGraph } from './text-encoder-graph.ts';
import { tinyMergesText } from './tiny-merges.ts';
import { writeComponent } from './write-component.ts';

export interface ClipTestPackOptions {
  kind: 'clip';
  id?: string;
  /** Projected embedding width (real ViT-L/14: 768). Default 16. */
  embedDim?: number;
  /** Inner width of both towers. Default 16. */
  hiddenDim?: number;
  /** Vision input size (real: 224); a multiple of 4. Default 32. */
  imageSize?: number;
  seed?: number;
}

/** Writes a random-weight CLIP pack: text_model → text_embeds, vision_model → image_embeds. */
export async function createClipTestPack(dir: string, opts: ClipTestPackOptions): Promise<ClipManifest> {
  const embedDim = opts.embedDim ?? 16;
  const d = opts.hiddenDim ?? 16;
  const size = opts.imageSize ?? 32;
  const seed = opts.seed ?? 7;
  await mkdir(join(dir, 'tokenizer'), { recursive: true });
  await writeFile(join(dir, 'tokenizer', 'merges.txt'), tinyMergesText());

  const te = textEncoderGraph({ seed, width: d, seqLen: 77, idDtype: 'int64', lastLayer: 12, pooled: { name: 'text_embeds', dim: embedDim }, floatDtype: 'float32' });
  const text_model = await writeComponent(dir, 'text_model.onnx', te.g, te.inputs, te.outputs);

  const g = new GraphBuilder(seed + 1);
  const io = new FloatIo(g, 'float32');
  const px = io.input('pixel_values', ['batch_size', 3, size, size]);
  const k = size / 4;
  const pooled = g.op('AveragePool', [px], { kernel_shape: { ints: [k, k] }, strides: { ints: [k, k] } });
  const flat = g.op('Reshape', [pooled, g.constInt64([0, -1], [2])]);
  const hidden = g.dense(flat, 48, d);
  io.output('image_embeds', g.matmul(hidden, g.weight([d, embedDim], 1 / Math.sqrt(d))), ['batch_size', embedDim]);
  io.output('last_hidden_state', hidden, ['batch_size', d]);
  const vision_model = await writeComponent(dir, 'vision_model.onnx', g, io.inputs, io.outputs);

  const manifest = ClipManifest.parse({
    format: MANIFEST_FORMAT,
    id: opts.id ?? 'test-clip-tiny',
    name: 'Test pack: tiny random-weight CLIP',
    description: 'Random weights with the real CLIP ONNX I/O names, for smoke tests. Its embeddings carry no meaning.',
    testPack: true,
    kind: 'clip',
    components: { text_model, vision_model },
    tokenizer: { merges: 'tokenizer/merges.txt', maxLength: 77 },
    embedDim,
    image: { size },
  });
  await writeFile(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
