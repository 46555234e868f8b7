import { join } from 'node:path';
import { WorkerError } from '../protocol.ts';
import type { ClipManifest } from '../../models/manifest.ts';
import type { RgbImage } from '../image/rgb-image.ts';
import { loadOnnxModel, type LoadModelOptions, type OnnxModel } from '../onnx/onnx-model.ts';
import { floatTensor, idTensor, tensorToFloat32, type FloatDtype, type IdDtype } from '../onnx/tensors.ts';
import type { ClipTokenizer } from './clip-tokenizer.ts';
import { l2NormalizeRows } from './l2-normalize.ts';
import { loadTokenizer } from './load-tokenizer.ts';
import { preprocessClipImage } from './preprocess-image.ts';

export interface ClipInfo {
  modelId: string;
  dim: number;
  logitScale: number;
  testPack: boolean;
}

/** A loaded CLIP pack: tokenizer plus text and vision sessions, in one worker. */
export class ClipPack {
  private constructor(
    readonly manifest: ClipManifest,
    private readonly tokenizer: ClipTokenizer,
    private readonly text: OnnxModel,
    private readonly vision: OnnxModel,
    readonly info: ClipInfo,
  ) {}

  static async load(dir: string, manifest: ClipManifest, options: LoadModelOptions): Promise<ClipPack> {
    const tokenizer = await loadTokenizer(dir, manifest.tokenizer);
    const text = await loadOnnxModel(join(dir, manifest.components.text_model.file), `${manifest.id}/text_model`, options);
    const vision = await loadOnnxModel(join(dir, manifest.components.vision_model.file), `${manifest.id}/vision_model`, options);
    // Width from the model's own output metadata where fixed; the manifest otherwise.
    const declared = text.pickOutput('text_embeds').shape.at(-1);
    const dim = typeof declared === 'number' ? declared : manifest.embedDim;
    if (dim !== manifest.embedDim) throw new WorkerError('BadInput', `${manifest.id}: text_embeds width ${dim} differs from manifest embedDim ${manifest.embedDim}`);
    return new ClipPack(manifest, tokenizer, text, vision, { modelId: manifest.id, dim, logitScale: manifest.logitScale, testPack: manifest.testPack });
  }

  async embedTexts(texts: readonly string[]): Promise<Float32Array[]> {
    const ids = this.text.input('input_ids');
    const len = this.tokenizer.maxLength;
    return this.batched(texts, ids.shape[0], async (chunk) => {
      const feeds = { input_ids: idTensor(ids.dtype as IdDtype, this.tokenizer.encodeBatch(chunk), [chunk.length, len]) };
      const out = await this.text.run(feeds, ['text_embeds']);
      return tensorToFloat32(out.text_embeds!);
    });
  }

  async embedImages(images: readonly RgbImage[]): Promise<Float32Array[]> {
    const pixels = this.vision.input('pixel_values');
    const { size, mean, std } = this.manifest.image;
    return this.batched(images, pixels.shape[0], async (chunk) => {
      const plane = 3 * size * size;
      const data = new Float32Array(chunk.length * plane);
      for (let i = 0; i < chunk.length; i++) data.set(await preprocessClipImage(chunk[i]!, { size, mean, std }), i * plane);
      const out = await this.vision.run({ pixel_values: floatTensor(pixels.dtype as FloatDtype, data, [chunk.length, 3, size, size]) }, ['image_embeds']);
      return tensorToFloat32(out.image_embeds!);
    });
  }

  async release(): Promise<void> {
    await Promise.all([this.text.release(), this.vision.release()]);
  }

  /** Runs in chunks when the export fixes the batch dimension (some are exported with batch 1). */
  private async batched<T>(items: readonly T[], batchDim: number | string | undefined, run: (chunk: T[]) => Promise<Float32Array>): Promise<Float32Array[]> {
    const chunkSize = typeof batchDim === 'number' && batchDim > 0 ? batchDim : Math.max(items.length, 1);
    const rows: Float32Array[] = [];
    for (let i = 0; i < items.length; i += chunkSize) {
      const chunk = items.slice(i, i + chunkSize);
      rows.push(...l2NormalizeRows(await run(chunk), chunk.length));
    }
    return rows;
  }
}
