import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE, MANIFEST_FORMAT, SdxlManifest } from '../manifest.ts';
import { FloatIo } from './float-io.ts';
import { GraphBuilder } from './graph-builder.ts';
import { textEncoderGraph } from './text-encoder-graph.ts';
import { tinyMergesText } from './tiny-merges.ts';
import { writeComponent } from './write-component.ts';

export interface SdxlTestPackOptions {
  kind: 'sdxl';
  id?: string;
  /** Default generation size (square); latents are size/8. Default 64. */
  size?: number;
  /** Hidden widths of text_encoder and text_encoder_2 (real: 768, 1280). Default [8, 16]. */
  hiddenDims?: [number, number];
  /** Width of text_encoder_2's pooled `text_embeds` (real: 1280). Default 12. */
  pooledDim?: number;
  /** Declare every float input/output as float16, like fp16 Optimum exports. Default false. */
  float16?: boolean;
  /** UNet `timestep`: rank-0 float (newer exports, default) or int64 [batch] (older ones). */
  timestep?: 'float-scalar' | 'int64-batch';
  /** VAE encoder output name (newer: latent_parameters, 8 channels); false omits the encoder. */
  vaeEncoder?: 'latent_parameters' | 'latent_sample' | false;
  /** Adds an IP-Adapter image_proj component taking `embedDim`-d image embeds → `tokens` tokens. */
  ipAdapter?: { embedDim: number; tokens: number };
  seed?: number;
}

const SEQ = 77;
const LATENT_CHANNELS = 4;
const DOWNSCALE = 8;

/** Writes a random-weight SDXL pack with the real component I/O names at a tiny size. */
export async function createSdxlTestPack(dir: string, opts: SdxlTestPackOptions): Promise<SdxlManifest> {
  const size = opts.size ?? 64;
  const [d1, d2] = opts.hiddenDims ?? [8, 16];
  const pooledDim = opts.pooledDim ?? 12;
  const dtype = opts.float16 ? 'float16' : 'float32';
  const seed = opts.seed ?? 1;
  const ctx = d1 + d2;
  await mkdir(join(dir, 'tokenizer'), { recursive: true });
  await writeFile(join(dir, 'tokenizer', 'merges.txt'), tinyMergesText());

  // Real exports: CLIP-L takes int32 ids and has 13 hidden states; bigG int64 with 33.
  const te1 = textEncoderGraph({ seed: seed + 1, width: d1, seqLen: SEQ, idDtype: 'int32', lastLayer: 12, pooled: { name: 'pooler_output', dim: d1 }, floatDtype: dtype });
  const te2 = textEncoderGraph({ seed: seed + 2, width: d2, seqLen: SEQ, idDtype: 'int64', lastLayer: 32, pooled: { name: 'text_embeds', dim: pooledDim }, floatDtype: dtype });
  const text_encoder = await writeComponent(dir, 'text_encoder.onnx', te1.g, te1.inputs, te1.outputs);
  const text_encoder_2 = await writeComponent(dir, 'text_encoder_2.onnx', te2.g, te2.inputs, te2.outputs);
  const unet = await writeUnet(dir, seed + 3, ctx, pooledDim, dtype, opts.timestep ?? 'float-scalar', opts.ipAdapter?.tokens);
  const vae_decoder = await writeVaeDecoder(dir, seed + 4, dtype);
  const vae_encoder = opts.vaeEncoder === false ? undefined : await writeVaeEncoder(dir, seed + 5, dtype, opts.vaeEncoder ?? 'latent_parameters');
  const image_proj = opts.ipAdapter ? await writeImageProj(dir, seed + 6, dtype, opts.ipAdapter.embedDim, opts.ipAdapter.tokens, ctx) : undefined;

  const manifest = SdxlManifest.parse({
    format: MANIFEST_FORMAT,
    id: opts.id ?? 'test-sdxl-tiny',
    name: 'Test pack: tiny random-weight SDXL',
    description: 'Random weights with the real SDXL ONNX I/O names, for smoke tests and demos. Its images are noise.',
    testPack: true,
    kind: 'sdxl',
    components: { text_encoder, text_encoder_2, unet, vae_decoder, ...(vae_encoder ? { vae_encoder } : {}), ...(image_proj ? { image_proj } : {}) },
    tokenizer: { merges: 'tokenizer/merges.txt', maxLength: SEQ },
    tokenizer_2: { merges: 'tokenizer/merges.txt', maxLength: SEQ, padTokenId: 0 },
    scheduler: {},
    vae: { scalingFactor: 0.13025, downscale: DOWNSCALE, latentChannels: LATENT_CHANNELS },
    defaults: { width: size, height: size, steps: 4, guidance: 5 },
  });
  await writeFile(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

async function writeUnet(dir: string, seed: number, ctx: number, pooledDim: number, dtype: 'float32' | 'float16', timestep: 'float-scalar' | 'int64-batch', ipTokens?: number) {
  const g = new GraphBuilder(seed);
  const io = new FloatIo(g, dtype);
  const C = LATENT_CHANNELS;
  const sample = io.input('sample', ['batch_size', 'num_channels', 'height', 'width']);
  let t: string;
  if (timestep === 'float-scalar') {
    t = io.input('timestep', []);
  } else {
    const raw = io.rawInput({ name: 'timestep', dtype: 'int64', shape: ['steps'] });
    t = g.op('Unsqueeze', [g.cast(raw, 'float32'), g.constInt64([1], [1])]);
  }
  const ehs = io.input('encoder_hidden_states', ['batch_size', 'sequence_length', ctx]);
  const textEmbeds = io.input('text_embeds', ['batch_size', pooledDim]);
  const timeIds = io.input('time_ids', ['batch_size', 6]);
  // Every input feeds a per-channel bias, so prompt, step and size all change the output.
  const context = g.matmul(g.op('ReduceMean', [ehs], { axes: { ints: [1] }, keepdims: { i: 0 } }), g.weight([ctx, C], 1 / Math.sqrt(ctx)));
  const pooled = g.matmul(textEmbeds, g.weight([pooledDim, C], 1 / Math.sqrt(pooledDim)));
  const size = g.matmul(g.mul(timeIds, g.constFloat([1 / 64], [1])), g.weight([6, C], 0.3));
  const time = g.mul(g.mul(t, g.constFloat([1 / 1000], [1])), g.weight([C], 1));
  let bias = g.add(g.add(context, pooled), g.add(size, time));
  if (ipTokens) {
    // IP-Adapter inputs as `models ip-adapter install` adds them (ip_tokens, ip_scale); the
    // tiny pack mixes them in as one more scaled bias (the faithful surgery is in models/ip-adapter).
    const tokens = io.input('ip_tokens', ['batch_size', ipTokens, ctx]);
    const scale = io.input('ip_scale', [1]);
    const ip = g.matmul(g.op('ReduceMean', [tokens], { axes: { ints: [1] }, keepdims: { i: 0 } }), g.weight([ctx, C], 1 / Math.sqrt(ctx)));
    bias = g.add(bias, g.mul(ip, scale));
  }
  const cond = g.op('Unsqueeze', [g.tanh(bias), g.constInt64([2, 3], [2])]);
  const conv = g.op('Conv', [sample, g.weight([C, C, 3, 3], 0.2), g.weight([C], 0.1)], { pads: { ints: [1, 1, 1, 1] } });
  const out = g.add(g.tanh(g.add(conv, cond)), g.mul(sample, g.constFloat([0.5], [1])));
  io.output('out_sample', out, ['batch_size', C, 'height', 'width']);
  return writeComponent(dir, 'unet.onnx', g, io.inputs, io.outputs);
}

async function writeVaeDecoder(dir: string, seed: number, dtype: 'float32' | 'float16') {
  const g = new GraphBuilder(seed);
  const io = new FloatIo(g, dtype);
  const z = io.input('latent_sample', ['batch_size', LATENT_CHANNELS, 'latent_height', 'latent_width']);
  const rgb = g.op('Conv', [z, g.weight([3, LATENT_CHANNELS, 1, 1], 0.1)]);
  const up = g.op('Resize', [rgb, '', g.constFloat([1, 1, DOWNSCALE, DOWNSCALE], [4])], {});
  const smooth = g.op('Conv', [up, g.weight([3, 3, 3, 3], 0.3), g.weight([3], 0.1)], { pads: { ints: [1, 1, 1, 1] } });
  io.output('sample', g.tanh(smooth), ['batch_size', 3, 'height', 'width']);
  return writeComponent(dir, 'vae_decoder.onnx', g, io.inputs, io.outputs);
}

async function writeVaeEncoder(dir: string, seed: number, dtype: 'float32' | 'float16', output: 'latent_parameters' | 'latent_sample') {
  const g = new GraphBuilder(seed);
  const io = new FloatIo(g, dtype);
  const x = io.input('sample', ['batch_size', 3, 'height', 'width']);
  const pooled = g.op('AveragePool', [x], { kernel_shape: { ints: [DOWNSCALE, DOWNSCALE] }, strides: { ints: [DOWNSCALE, DOWNSCALE] } });
  const channels = output === 'latent_parameters' ? 2 * LATENT_CHANNELS : LATENT_CHANNELS;
  const z = g.op('Conv', [pooled, g.weight([channels, 3, 1, 1], 1), g.weight([channels], 0.1)]);
  io.output(output, z, ['batch_size', channels, 'latent_height', 'latent_width']);
  return writeComponent(dir, 'vae_encoder.onnx', g, io.inputs, io.outputs);
}

async function writeImageProj(dir: string, seed: number, dtype: 'float32' | 'float16', embedDim: number, tokens: number, ctx: number) {
  const g = new GraphBuilder(seed);
  const io = new FloatIo(g, dtype);
  const e = io.input('image_embeds', ['batch_size', embedDim]);
  const flat = g.matmul(e, g.weight([embedDim, tokens * ctx], 1 / Math.sqrt(embedDim)));
  const out = g.op('Reshape', [flat, g.constInt64([0, tokens, ctx], [3])]);
  io.output('image_prompt_embeds', out, ['batch_size', tokens, ctx]);
  return writeComponent(dir, 'image_proj.onnx', g, io.inputs, io.outputs);
}
