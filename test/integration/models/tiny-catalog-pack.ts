import { CatalogPack } from '../../../models/catalog.ts';
import { makeFile, type ServedFile } from './pack-server.ts';

/** Random-byte files laid out like a CLIP pack; enough for the downloader (not for ORT). */
export function tinyPackFiles(sizes: { text?: number; vision?: number } = {}): Map<string, ServedFile> {
  return new Map([
    ['onnx/text_model.onnx', makeFile(sizes.text ?? 40_000)],
    ['onnx/vision_model.onnx', makeFile(sizes.vision ?? 70_000)],
    ['vocab.json', makeFile(1_000)],
    ['merges.txt', makeFile(900)],
  ]);
}

export function tinyCatalogPack(url: (p: string) => string, files: Map<string, ServedFile>, opts: { withSha?: boolean; exactSize?: boolean } = {}): CatalogPack {
  const withSha = opts.withSha ?? true;
  return CatalogPack.parse({
    id: 'tiny-clip',
    name: 'Tiny CLIP (random bytes)',
    kind: 'clip',
    role: 'embed',
    precision: 'float32',
    license: 'mit',
    source: url(''),
    downloadable: true,
    files: [...files].map(([path, f]) => ({
      path,
      url: url(path),
      size: f.body.length,
      sizeExact: opts.exactSize ?? true,
      ...(withSha ? { sha256: f.sha256 } : {}),
      verified: withSha,
    })),
    manifest: {
      format: 'assetql-pack/1',
      id: 'tiny-clip',
      name: 'Tiny CLIP',
      kind: 'clip',
      testPack: true,
      components: {
        text_model: {
          file: 'onnx/text_model.onnx',
          inputs: { input_ids: { dtype: 'int64', shape: ['batch_size', 'sequence_length'] } },
          outputs: { text_embeds: { dtype: 'float32', shape: ['batch_size', 8] } },
        },
        vision_model: {
          file: 'onnx/vision_model.onnx',
          inputs: { pixel_values: { dtype: 'float32', shape: ['batch_size', 3, 16, 16] } },
          outputs: { image_embeds: { dtype: 'float32', shape: ['batch_size', 8] } },
        },
      },
      tokenizer: { merges: 'merges.txt', vocab: 'vocab.json' },
      embedDim: 8,
      image: { size: 16 },
    },
  });
}
