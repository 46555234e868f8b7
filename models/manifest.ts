import { z } from 'zod';

/**
 * A model pack is a folder of ONNX files plus `manifest.json`. Code reads every dimension and
 * I/O name from here (and from the session's inputMetadata), never from constants, so the tiny
 * random-weight packs the tests build run exactly the same path as real SDXL and CLIP packs.
 */
export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_FORMAT = 'assetql-pack/1';

export const TensorDtype = z.enum(['float32', 'float16', 'int32', 'int64']);

/** Execution-provider families a pack can declare it runs on (same names as workers/onnx/providers). */
export const PackProvider = z.enum(['cuda', 'dml', 'coreml', 'webgpu', 'cpu']);
export type PackProvider = z.infer<typeof PackProvider>;
export const ALL_PACK_PROVIDERS: readonly PackProvider[] = PackProvider.options;

/**
 * GPU memory a pack needs at one generation size (peak, batch of one with guidance). `measured`
 * is false for figures estimated from weight sizes and activation scaling (see docs/models.md).
 */
export const GpuMemoryRow = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  bytes: z.number().int().positive(),
  measured: z.boolean().default(false),
});
export type GpuMemoryRow = z.infer<typeof GpuMemoryRow>;

/** What a downloaded pack's files were checked against (written by the downloader). */
export const PackVerification = z.object({
  /** e.g. huggingface.co/stabilityai/sdxl-turbo */
  repo: z.string().optional(),
  /** The repository commit every file came from, when the host reported one. */
  revision: z.string().optional(),
  verifiedAt: z.string(),
  /** Per file: what its bytes were checked against. */
  files: z.record(
    z.string(),
    z.object({
      sha256: z.string(),
      size: z.number().int().nonnegative(),
      against: z.enum(['catalog-sha256', 'hub-sha256', 'hub-git-blob', 'size-only', 'none']),
    }),
  ),
});
export type PackVerification = z.infer<typeof PackVerification>;
export type TensorDtype = z.infer<typeof TensorDtype>;

/** Symbolic dims (e.g. "batch") are strings; fixed dims are numbers. */
export const TensorSpec = z.object({
  dtype: TensorDtype,
  shape: z.array(z.union([z.number().int(), z.string()])),
});
export type TensorSpec = z.infer<typeof TensorSpec>;

export const ComponentSpec = z.object({
  /** Path relative to the pack folder. */
  file: z.string().min(1),
  /** Lower-case hex sha256 of the file; verified on download and by `models verify`. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  size: z.number().int().nonnegative().optional(),
  /** Extra files the ONNX graph references (external weights, e.g. model.onnx_data). */
  externalData: z.array(z.object({ file: z.string(), sha256: z.string().optional(), size: z.number().optional() })).default([]),
  inputs: z.record(z.string(), TensorSpec),
  outputs: z.record(z.string(), TensorSpec),
});
export type ComponentSpec = z.infer<typeof ComponentSpec>;

export const TokenizerSpec = z.object({
  /** CLIP BPE merges: merges.txt (Hugging Face) or bpe_simple_vocab_16e6.txt(.gz) (OpenAI). */
  merges: z.string(),
  /** Optional vocab.json; when absent the vocabulary is derived from the merges as CLIP does. */
  vocab: z.string().optional(),
  maxLength: z.number().int().positive().default(77),
  /** Token used to pad to maxLength: SDXL's first tokenizer pads with EOS, OpenCLIP bigG with 0. */
  padTokenId: z.number().int().nonnegative().optional(),
});
export type TokenizerSpec = z.infer<typeof TokenizerSpec>;

export const SchedulerSpec = z.object({
  betaStart: z.number().positive().default(0.00085),
  betaEnd: z.number().positive().default(0.012),
  betaSchedule: z.enum(['scaled_linear', 'linear']).default('scaled_linear'),
  trainSteps: z.number().int().positive().default(1000),
  stepsOffset: z.number().int().nonnegative().default(1),
  timestepSpacing: z.enum(['leading', 'trailing']).default('leading'),
  predictionType: z.enum(['epsilon', 'v_prediction']).default('epsilon'),
});
export type SchedulerSpec = z.infer<typeof SchedulerSpec>;

const Common = {
  format: z.literal(MANIFEST_FORMAT),
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  name: z.string(),
  version: z.string().default('1'),
  description: z.string().default(''),
  license: z.string().optional(),
  /** True for packs with random weights (create-test-pack): their images are noise. */
  testPack: z.boolean().default(false),
  /**
   * Providers this pack's graphs load and run on. Absent = every provider (plain fp32 graphs of
   * standard ops, e.g. test packs and Optimum fp32 exports). CUDA-optimised exports use fused
   * contrib ops and declare ['cuda'] only.
   */
  providers: z.array(PackProvider).min(1).optional(),
  gpuMemory: z.array(GpuMemoryRow).optional(),
  verification: PackVerification.optional(),
  /** Set on packs built by `models convert`: the pack id and precision they were built from. */
  convertedFrom: z.object({ packId: z.string(), precision: z.string(), tool: z.string() }).optional(),
};

export const SdxlManifest = z.object({
  ...Common,
  kind: z.literal('sdxl'),
  components: z.object({
    text_encoder: ComponentSpec,
    text_encoder_2: ComponentSpec,
    unet: ComponentSpec,
    vae_decoder: ComponentSpec,
    vae_encoder: ComponentSpec.optional(),
    /** IP-Adapter image projection (image embeds → extra tokens), when the pack has one. */
    image_proj: ComponentSpec.optional(),
  }),
  tokenizer: TokenizerSpec,
  tokenizer_2: TokenizerSpec,
  scheduler: SchedulerSpec,
  vae: z.object({
    scalingFactor: z.number().positive().default(0.13025),
    /** Pixel size of one latent cell (8 for SDXL). */
    downscale: z.number().int().positive().default(8),
    latentChannels: z.number().int().positive().default(4),
  }),
  /** Default and allowed generation sizes; tiny packs use small sizes. */
  defaults: z.object({
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    steps: z.number().int().positive(),
    guidance: z.number().nonnegative(),
  }),
  /** Distilled few-step models (SDXL-Turbo) use trailing spacing and guidance 0. */
  distilled: z.boolean().default(false),
});
export type SdxlManifest = z.infer<typeof SdxlManifest>;

export const ClipManifest = z.object({
  ...Common,
  kind: z.literal('clip'),
  components: z.object({
    text_model: ComponentSpec,
    vision_model: ComponentSpec,
  }),
  tokenizer: TokenizerSpec,
  embedDim: z.number().int().positive(),
  image: z.object({
    size: z.number().int().positive().default(224),
    mean: z.tuple([z.number(), z.number(), z.number()]).default([0.48145466, 0.4578275, 0.40821073]),
    std: z.tuple([z.number(), z.number(), z.number()]).default([0.26862954, 0.26130258, 0.27577711]),
  }),
  /** CLIP's learned logit scale (exp), used for zero-shot softmax. */
  logitScale: z.number().positive().default(100),
});
export type ClipManifest = z.infer<typeof ClipManifest>;

export const IpAdapterManifest = z.object({
  ...Common,
  kind: z.literal('ip-adapter'),
  components: z.object({ image_proj: ComponentSpec, image_encoder: ComponentSpec }),
  tokens: z.number().int().positive(),
});
export type IpAdapterManifest = z.infer<typeof IpAdapterManifest>;

export const PackManifest = z.discriminatedUnion('kind', [SdxlManifest, ClipManifest, IpAdapterManifest]);
export type PackManifest = z.infer<typeof PackManifest>;
export type PackKind = PackManifest['kind'];
