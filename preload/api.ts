/**
 * THE contract between the renderer and the core. Every request (name → argument → result)
 * and every pushed event (name → payload) is declared here and nowhere else; both transports
 * (Electron IPC through preload/index.ts, WebSocket through main/server/) carry these names.
 *
 * Request arguments are zod schemas so main validates every payload at the boundary; results
 * and events are plain TypeScript types (main produces them, so they are checked at compile
 * time). The renderer imports this file with `import type` only (enforced by lint).
 */
import { z } from 'zod';
import type { BatchCounts, TaskStatus } from './api-task-status.ts';

// ───────────────────────────── shared shapes ─────────────────────────────

export const ErrorKindSchema = z.enum([
  'BadInput', 'NotFound', 'Conflict', 'ModelMissing', 'OutOfMemory', 'Inference',
  'Cancelled', 'Timeout', 'Network', 'Unavailable', 'Internal',
]);
export type ApiErrorKind = z.infer<typeof ErrorKindSchema>;
export interface ApiError { kind: ApiErrorKind; message: string; detail?: Record<string, unknown> }
/** Every request resolves to this envelope: errors cross as data with a kind, never as throws. */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

const Id = z.string().min(1).max(200);

/**
 * POSIX `/…`, Windows `C:\…` or UNC `\\server\…`; no NUL. Written out here because this file
 * also runs in the sandboxed preload, which cannot load node:path.
 */
function isAbsolutePath(p: string): boolean {
  return !p.includes('\0') && (p.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(p) || p.startsWith('\\\\'));
}

const Ids = z.array(Id).min(1).max(10_000);
const Empty = z.object({}).strict().optional();

export const SamplerSchema = z.enum(['euler', 'euler_a', 'dpmpp_2m_karras']);
export type Sampler = z.infer<typeof SamplerSchema>;

/** The task ledger's states (ARCHITECTURE.md → Pipeline states); 'dlq' is the review queue. */
export const TaskStateSchema = z.enum([
  'pending', 'preflight', 'queued', 'generating', 'validating', 'passed', 'tagging',
  'ready', 'failed', 'retry', 'dlq', 'rejected', 'dropped', 'cancelled',
]);
export type TaskState = z.infer<typeof TaskStateSchema>;
// What each state means to people (tiles, counters, re-run, CLI): one table, in its own file.
export * from './api-task-status.ts';
export type BatchState = 'draft' | 'running' | 'paused' | 'cancelled' | 'done';

export interface Upload { uploadId: string; name: string; size: number; kind: 'csv' | 'image' | 'other' }

export interface PaletteColour { hex: string; name: string; weight: number; lab: [number, number, number] }

export type ScoreMetric = 'style' | 'clip' | 'colour' | 'edge';
/** One measured metric against the batch's own target. */
export interface MetricScoreDto {
  /** null when the metric could not be measured (e.g. no CLIP pack). */
  value: number | null;
  threshold: number;
  /** Met its target? null when not measured. */
  flag: boolean | null;
  lowerIsBetter: boolean;
}
/**
 * Scores of one image plus THE pass decision (main/pipeline/decide-pass.ts, the same function the
 * engine used). The renderer shows `pass`, `metrics[*].flag` and `reasons`; it never recomputes them.
 */
export interface StyleScoresDto {
  /** The composite score the pass decision is made on. */
  styleScore: number;
  clipSimilarity: number | null;
  colourDistance: number | null;
  edgeSimilarity: number | null;
  metrics: Record<ScoreMetric, MetricScoreDto>;
  pass: boolean;
  /** Per check (metrics, dimensions, artifacts): did it meet its target? */
  checks: Record<string, boolean>;
  /** Human-readable reasons for failure, empty when passed. */
  reasons: string[];
}

// ───────────────────────────── batch configuration ─────────────────────────────

/**
 * THE limits of a batch's settings: the contract, the New batch form, intake, the hot-folder
 * sidecar and the CLI flags all read these (a model pack may narrow size/steps/guidance further).
 */
export const BATCH_LIMITS = {
  size: { min: 64, max: 4096 },
  steps: { min: 1, max: 150 },
  guidance: { min: 0, max: 30 },
  seed: { min: 0, max: 4_294_967_295 },
  retries: { min: 0, max: 10 },
  concurrency: { min: 1, max: 8 },
  candidates: { min: 1, max: 8 },
  loras: { max: 8, scale: { min: -4, max: 4 } },
  negativePrompt: { max: 2000 },
} as const;

const L = BATCH_LIMITS;
const thresholdFields = {
  /** Overall (composite) style score to pass (REFERENCE.md: 0.85). */
  style: z.number().min(0).max(1),
  clip: z.number().min(0).max(1),
  /** Colour distance 0–100, lower is better. */
  colour: z.number().min(0).max(100),
  edge: z.number().min(0).max(1),
  preflight: z.number().min(0).max(1),
};
export const THRESHOLD_DEFAULTS = { style: 0.85, clip: 0.85, colour: 15, edge: 0.8, preflight: 0.75 } as const;
export const ThresholdsSchema = z.object({
  style: thresholdFields.style.default(THRESHOLD_DEFAULTS.style),
  clip: thresholdFields.clip.default(THRESHOLD_DEFAULTS.clip),
  colour: thresholdFields.colour.default(THRESHOLD_DEFAULTS.colour),
  edge: thresholdFields.edge.default(THRESHOLD_DEFAULTS.edge),
  preflight: thresholdFields.preflight.default(THRESHOLD_DEFAULTS.preflight),
});
export type Thresholds = z.output<typeof ThresholdsSchema>;

/** include: injected unless the prompt already says it; lock: always injected and kept by polish; drop: never. */
export const StyleGroupModeSchema = z.enum(['include', 'lock', 'drop']);
const styleGroup = z.object({
  mode: StyleGroupModeSchema.default('include'),
  /** Replaces the profile's keywords for this group when given. */
  keywords: z.array(z.string().min(1).max(100)).max(50).optional(),
});
export const StyleInjectionConfigSchema = z.object({
  colours: styleGroup.default({ mode: 'include' }),
  lighting: styleGroup.default({ mode: 'include' }),
  composition: styleGroup.default({ mode: 'include' }),
  medium: styleGroup.default({ mode: 'include' }),
});

export const SeedPolicySchema = z.object({
  /** random: a fresh seed per row, drawn once and recorded; fixed: base + row index. */
  mode: z.enum(['random', 'fixed']).default('random'),
  base: z.number().int().min(L.seed.min).max(L.seed.max).default(0),
});

export const LoraRefSchema = z.object({ id: z.string().min(1).max(200), scale: z.number().min(L.loras.scale.min).max(L.loras.scale.max) });
export type LoraRef = z.infer<typeof LoraRefSchema>;

/**
 * The full recipe of a batch: what the ledger stores (batches.config) and returns, one spelling
 * per field. Every field has a default, so `BatchConfigSchema.parse(partial)` is the complete
 * config; width/height/steps/guidance defaults are SDXL's (intake applies a pack's own first).
 */
export const BatchConfigSchema = z.object({
  packId: z.string().min(1).max(200).default('sdxl-base-1.0'),
  /** CLIP pack for similarity, search embeddings and tags; null = the app's default. */
  clipPackId: z.string().min(1).max(200).nullable().default(null),
  width: z.number().int().min(L.size.min).max(L.size.max).default(1024),
  height: z.number().int().min(L.size.min).max(L.size.max).default(1024),
  steps: z.number().int().min(L.steps.min).max(L.steps.max).default(30),
  guidance: z.number().min(L.guidance.min).max(L.guidance.max).default(7.5),
  sampler: SamplerSchema.default('euler'),
  seed: SeedPolicySchema.default({ mode: 'random', base: 0 }),
  negativePrompt: z.string().max(L.negativePrompt.max).default(''),
  qualityNegatives: z.boolean().default(true),
  style: StyleInjectionConfigSchema.default({ colours: { mode: 'include' }, lighting: { mode: 'include' }, composition: { mode: 'include' }, medium: { mode: 'include' } }),
  thresholds: ThresholdsSchema.default({ ...THRESHOLD_DEFAULTS }),
  /** Style retries (escalation rungs) before a row goes to review. */
  retries: z.number().int().min(L.retries.min).max(L.retries.max).default(3),
  concurrency: z.number().int().min(L.concurrency.min).max(L.concurrency.max).default(1),
  /** Best of k: k seeds per row, the best-scoring passing image is kept (the rest stay as attempts). */
  candidates: z.number().int().min(L.candidates.min).max(L.candidates.max).default(1),
  /** Pre-flight policy for low-confidence prompts: report only, or hold the row for the user. */
  lowConfidence: z.enum(['continue', 'hold']).default('continue'),
  polish: z.boolean().default(false),
  polishModel: z.string().min(1).max(100).default('claude-haiku-4-5'),
  loras: z.array(LoraRefSchema).max(L.loras.max).default([]),
});
export type BatchConfig = z.output<typeof BatchConfigSchema>;
/** What a caller may send: any subset of the fields (unknown keys refused). */
export const BatchConfigInputSchema = BatchConfigSchema.partial().extend({ thresholds: ThresholdsSchema.partial().optional() }).strict();
export type BatchConfigInput = z.input<typeof BatchConfigInputSchema>;
/** @deprecated name kept for the renderer: the New batch form's config is a BatchConfig input. */
export type BatchConfigDto = BatchConfigInput;

// ───────────────────────────── app / settings ─────────────────────────────

export interface AppInfo {
  version: string;
  transport: 'electron' | 'browser';
  dataDir: string;
  libraryDir: string;
  platform: string;
  node: string;
}

export const SettingsSchema = z.object({
  thresholds: z.object(thresholdFields),
  defaultPackId: z.string().nullable(),
  clipPackId: z.string().nullable(),
  executionProvider: z.enum(['auto', 'cuda', 'dml', 'coreml', 'webgpu', 'cpu']),
  hotFolder: z.object({ enabled: z.boolean(), path: z.string() }),
  archiveAfterDays: z.number().int().min(1).max(3650),
  claude: z.object({ polish: z.boolean(), visionTagging: z.boolean(), model: z.string() }),
  s3: z.object({
    enabled: z.boolean(),
    bucket: z.string(),
    prefix: z.string(),
    region: z.string(),
    endpoint: z.string(),
    publicBaseUrl: z.string(),
    accessKeyId: z.string(),
    /** e.g. GLACIER_IR: archived assets move to this class; '' leaves them where they are. */
    storageClassForArchive: z.string().max(40),
  }),
  alerts: z.object({ costUsd: z.number().min(0) }),
  /** Browser UI: exports written to disk must land inside this folder ('' = downloads only). */
  exportRoot: z.string().max(1000),
  /** Deleted assets are purged for good (files too) this many days after deletion. */
  purgeDeletedAfterDays: z.number().int().min(1).max(3650),
});
export type Settings = z.infer<typeof SettingsSchema>;

/** Settings → Distributed; URLs are redacted (password and secret key replaced by ***). */
export interface DistributedSettingsDto {
  enabled: boolean;
  generateLocally: boolean;
  maxInFlight: number;
  redisUrl: string;
  storeUrl: string;
  /** Whether the running app coordinates workers now (saved settings are applied live). */
  active: boolean;
  activeError: string | null;
  /**
   * A saved change being applied, in words (e.g. waiting for N remote attempts in flight to
   * finish before switching; no new rows start meanwhile); null when settled.
   */
  applying: string | null;
  /** `assetql serve --redis/--store` fixed the URLs for this run: saved URLs apply after a restart without the flags. */
  pinnedByFlags: boolean;
}
/** A plain-sentence result of an S3 test call: ok, bucket not found, access denied or endpoint unreachable. */
export interface S3CheckDto {
  ok: boolean;
  reachable: boolean;
  outcome: 'ok' | 'no-bucket' | 'denied' | 'unreachable' | 'error';
  message: string;
}

export interface DistributedCheckDto {
  redis: { ok: boolean; message: string };
  store: { ok: boolean; message: string };
}
export interface WorkerDto {
  id: string;
  host: string;
  provider: string;
  gpu: string | null;
  gpuMemoryMb: number | null;
  packs: { packId: string; hash: string; version: string }[];
  /** LoRA variants of those packs the worker has baked and takes jobs for. */
  variants: { packId: string; hash: string; loras: { name: string; scale: number }[] }[];
  /** CLIP packs: the worker embeds and scores for coordinators holding the same one. */
  clipPacks: { packId: string; hash: string }[];
  currentJob: { batchId: string; rowIndex: number; since: string } | null;
  imagesPerMin: number;
  completed: number;
  failed: number;
  lastHeartbeat: string;
  version: string;
  local: boolean;
}
export interface WorkersDto {
  /** Distributed generation is on and connected to Redis. */
  active: boolean;
  error: string | null;
  workers: WorkerDto[];
  /** Jobs per state across this coordinator's queues. */
  jobs: Record<string, number>;
  /** Images finished per worker in the last 10 minutes, from the ledger ('local' = no queue). */
  throughput: { worker: string; host: string | null; images: number; perMin: number }[];
}

export interface ProviderStatusDto { name: string; available: boolean; reason: string; smokeMs?: number | null }
export interface DoctorReport {
  platform: string;
  onnxruntime: string;
  providers: ProviderStatusDto[];
  chosen: string;
  fallbackReason: string | null;
  packs: PackInfo[];
  hints: string[];
}

export interface PackInfo {
  id: string;
  name: string;
  kind: 'sdxl' | 'clip' | 'ip-adapter';
  description: string;
  sizeBytes: number | null;
  installed: boolean;
  path: string | null;
  testPack: boolean;
  downloadable: boolean;
  /** cuda-fp16 | portable-fp16 | fp32 for catalog SDXL packs; null otherwise. */
  variant: string | null;
  /** Providers the pack declares it runs on. */
  providers: string[];
  /** Pack id `models convert --fp16` builds this pack from (not published for download). */
  buildFrom: string | null;
  /** What the installed files were verified against (repository, revision, hashes), one line. */
  verification: string | null;
  /** What an installed SDXL pack allows (New batch offers only these); null for other packs. */
  limits: PackLimitsDto | null;
  /** The IP-Adapter an installed SDXL pack carries (decoupled cross-attention); null when none. */
  ipAdapter: PackIpAdapterDto | null;
}

/**
 * An SDXL pack with an installed IP-Adapter: the batch's "more style weight" rung uses it when a
 * CLIP pack makes image embeddings of embedDim (img2img otherwise).
 */
export interface PackIpAdapterDto {
  tokens: number | null;
  embedDim: number | null;
  /** Installed CLIP packs whose image embeddings fit the adapter's projection. */
  clipPacks: string[];
}

/** The sizes, steps, guidance and samplers an SDXL pack accepts (server-side: pack-limits.ts). */
export interface PackLimitsDto {
  sizes: { width: number; height: number }[];
  defaultSize: { width: number; height: number };
  steps: { min: number; max: number; default: number };
  guidance: { min: number; max: number; default: number };
  samplers: Sampler[];
}

export interface PackRecommendationDto {
  model: string;
  role: string;
  packId: string;
  packName: string;
  variant: string;
  action: 'installed' | 'download' | 'build';
  buildFrom: string | null;
  reason: string;
  needBytes: number | null;
  warnings: string[];
}
/** The pack to get for this machine's provider and GPU memory (Settings, doctor, first launch). */
export interface ModelRecommendation {
  provider: string;
  providerLabel: string;
  gpuMemoryBytes: number | null;
  gpuMemorySource: string;
  packs: PackRecommendationDto[];
}

/** Enable CUDA acceleration (Linux x64 + NVIDIA): state of the downloadable CUDA runtime. */
export interface CudaRuntimeDto {
  offered: boolean;
  reason: string | null;
  driverFound: boolean;
  installed: boolean;
  active: boolean;
  /** True when this process still runs the runtime it started with (a restart applies a change). */
  restartNeeded: boolean;
  dir: string | null;
  onnxruntime: string;
  lastResult: string | null;
}

/** `models.importCheckpoint`: what was written, what was not and why (issue 15). */
export interface CheckpointImportDto {
  packId: string;
  name: string;
  path: string;
  mapped: number;
  keptFromBase: number;
  /** Export layout found per component: 'optimum' | 'ort-optimized'. */
  layouts: Record<string, string>;
  /** First 500 unused checkpoint tensors (unmappedCount has the total). */
  unmapped: Array<{ key: string; reason: string }>;
  unmappedCount: number;
  mismatched: Array<{ key: string; target: string; checkpointShape: number[]; packShape: number[] }>;
  smokeMs: number | null;
}

/** `models.installIpAdapter`: the new pack (base pack + the adapter's decoupled cross-attention). */
export interface IpAdapterInstallDto {
  packId: string;
  name: string;
  path: string;
  /** Cross-attention layers that got the adapter. */
  layers: number;
  tokens: number;
  embedDim: number;
}

export interface LoraDto {
  id: string;
  name: string;
  layers: number;
  bytes: number;
  /** From the file's metadata (trained tags or a declared trigger phrase); offered in the template. */
  triggerWords: string[];
  baseModel: string | null;
  importedAt: string;
}

export interface LoraCacheDto {
  limitBytes: number;
  totalBytes: number;
  variants: Array<{ key: string; packId: string; loras: Array<{ id: string; name: string; scale: number }>; bytes: number; lastUsedAt: string }>;
}

// ───────────────────────────── intake ─────────────────────────────

export interface CsvIssue { row: number | null; column: string | null; value?: string; message: string }
export interface CsvReport {
  uploadId: string;
  encoding: string;
  delimiter: string;
  columns: string[];
  rowCount: number;
  sample: Record<string, string>[];
  errors: CsvIssue[];
  warnings: CsvIssue[];
  duplicates: { row: number; duplicateOf: number }[];
  suggestedPromptColumn: string | null;
}

export interface RefImageReport { uploadId: string; name: string; width: number; height: number; ok: boolean; problem?: string; duplicateOf?: string }

/** min/max of a numeric contract field (null: unbounded), as forms show them. */
export interface FieldBounds { min: number | null; max: number | null; int: boolean }

export const StyleInjectionSchema = z.object({
  colours: z.enum(['on', 'off', 'locked']),
  lighting: z.enum(['on', 'off', 'locked']),
  composition: z.enum(['on', 'off', 'locked']),
  medium: z.enum(['on', 'off', 'locked']),
});

export const PromptPlanSchema = z.object({
  csvUploadId: Id,
  /** Either a column holding ready prompts, or a template using {column} variables. */
  promptColumn: z.string().nullable(),
  template: z.string().max(4000).nullable(),
  negativePrompt: z.string().max(2000),
  style: StyleInjectionSchema,
  profileId: z.string().nullable(),
  refUploadIds: z.array(Id).max(5),
});
export type PromptPlan = z.infer<typeof PromptPlanSchema>;

export interface PromptPreview {
  row: number;
  name: string;
  prompt: string;
  negativePrompt: string;
  confidence: number | null;
  lowConfidence: boolean;
}
export interface PromptPreviewResult { prompts: PromptPreview[]; errors: CsvIssue[]; preflightAvailable: boolean; preflightNote: string | null }

// ───────────────────────────── brand DNA ─────────────────────────────

export interface ProfileSummary { id: string; version: number; name: string; createdAt: string; refCount: number; palette: PaletteColour[] }
export interface ProfileParam { key: string; label: string; group: 'composition' | 'texture' | 'lighting'; value: number; min: number; max: number; spread: number; locked: boolean }
export interface ProfileDetail extends ProfileSummary {
  refs: { url: string; name: string; width: number; height: number }[];
  params: ProfileParam[];
  keywords: { colours: string[]; lighting: string[]; composition: string[]; medium: string[] };
  clipAvailable: boolean;
  versions: number[];
  drift: { batchId: string; batchName: string; createdAt: string; meanStyleScore: number | null; passRate: number | null }[];
  /** What each version changed against the one before it (oldest first). */
  history: ProfileVersionChange[];
}
export interface ProfileVersionChange {
  version: number;
  createdAt: string;
  /** created | edit | reanalyse | add-reference … */
  reason: string;
  refCount: number;
  paletteAdded: string[];
  paletteRemoved: string[];
  params: { key: string; label: string; from: number; to: number }[];
}

// ───────────────────────────── batches & tasks ─────────────────────────────

export interface BatchSummary {
  id: string;
  name: string;
  state: BatchState;
  priority: number;
  createdAt: string;
  counts: BatchCounts;
  etaSeconds: number | null;
  profileId: string | null;
  profileVersion: number | null;
  /** Why the batch is paused when the engine paused it (a stage could not be built, a model file is missing); null otherwise. */
  pauseReason: string | null;
  config: BatchConfig;
  /** Rates over the batch's finished rows, as the ledger decided them (see MetricsSnapshot). */
  rates: DecisionRates;
  /** The style profile's name, shown in the batch list. */
  profileName: string | null;
  /** The SDXL pack the batch generates with. */
  packId: string | null;
  source: string;
  /** Hidden from the default list (batches.archive); a running batch cannot be archived. */
  archived: boolean;
  /** Set when this batch is "run again with changes" of another batch. */
  duplicatedFrom: string | null;
}
/** How finished rows ended: auto-passed, approved by hand, sent to review, rejected. Shares of `finished`. */
export interface DecisionRates { finished: number; passed: number; approved: number; review: number; rejected: number; retried: number; passRate: number; approvedRate: number; reviewRate: number; retryRate: number }
/** The ledger's decision for a row: passed by the engine, approved by a person, failed (review/rejected), or not decided yet. */
export type TaskDecision = 'passed' | 'approved' | 'failed' | null;

/** "Run again with changes": what may differ from the source batch (everything else is copied). */
export const DuplicateChangesSchema = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  // Same limits as BatchConfigSchema (one set for every entry point).
  steps: BatchConfigSchema.shape.steps.unwrap().optional(),
  guidance: BatchConfigSchema.shape.guidance.unwrap().optional(),
  sampler: SamplerSchema.optional(),
  width: BatchConfigSchema.shape.width.unwrap().optional(),
  height: BatchConfigSchema.shape.height.unwrap().optional(),
  seeds: z.enum(['keep', 'new']).optional(),
  onlyFailed: z.boolean().optional(),
}).strict();
export type DuplicateChanges = z.infer<typeof DuplicateChangesSchema>;

/**
 * A batch and its rows read from ONE ledger snapshot. Pushed as 'batch.updated' with only the
 * rows that changed since the previous push (the full list from batches.tasks), so the counters
 * and the tiles a screen shows always come from the same moment.
 */
export interface BatchView { batch: BatchSummary; tasks: TaskSummary[] }

export interface TaskSummary {
  id: string;
  batchId: string;
  row: number;
  name: string;
  state: TaskState;
  /** What the state means to people (taskStatus of state + held), and its label: the tile shows these. */
  status: TaskStatus;
  statusLabel: string;
  /** Held after a low pre-flight confidence (batch setting 'hold'): waits for the user. */
  held: boolean;
  priority: number;
  attempts: number;
  styleScore: number | null;
  decision: TaskDecision;
  thumbUrl: string | null;
  error: string | null;
  /** Host (or id) of the worker that made the latest attempt; null or absent = this machine. */
  worker?: string | null;
}
export interface AttemptDto {
  n: number;
  /** Best of k: which candidate of its round this attempt was (1-based), when the batch asks for more than one. */
  candidate: { index: number; of: number } | null;
  kind: string;
  prompt: string;
  negativePrompt: string;
  params: Record<string, unknown>;
  outcome: string | null;
  scores: StyleScoresDto | null;
  error: string | null;
  imageUrl: string | null;
  gpuMs: number | null;
  startedAt: string;
  endedAt: string | null;
  /** Which machine made it (worker id and host) and with which provider; null = this machine, no queue. */
  worker: string | null;
  workerHost: string | null;
  provider: string | null;
}
export interface TaskDetail extends TaskSummary { prompt: string; negativePrompt: string; params: Record<string, unknown>; preflightConfidence: number | null; assetId: string | null; attemptsList: AttemptDto[] }

export const RerunSchema = z.object({
  taskId: Id,
  prompt: z.string().min(1).max(4000).optional(),
  negativePrompt: z.string().max(4000).optional(),
  params: z.object({
    steps: z.number().int().min(1).max(150).optional(),
    guidance: z.number().min(0).max(30).optional(),
    seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
    sampler: SamplerSchema.optional(),
  }).optional(),
});

export interface ReviewItem {
  taskId: string;
  batchId: string;
  batchName: string;
  name: string;
  prompt: string;
  reason: string;
  imageUrl: string | null;
  scores: StyleScoresDto | null;
  refUrls: string[];
  attempts: number;
  /** The attempt whose image is shown (and approved unless another is chosen). */
  attempt: number | null;
}

export type ReviewAction = 'approve' | 'reject' | 'rerun' | 'delta-accept' | 'delta-edit' | 'delta-dismiss';
/** One recorded review decision: who/when, and whether it was undone. */
export interface ReviewDecisionDto {
  id: number;
  taskId: string;
  batchId: string;
  action: ReviewAction;
  attempt: number | null;
  assetId: string | null;
  prompt: string | null;
  by: string;
  at: string;
  undoneAt: string | null;
  undoable: boolean;
}

export interface DeltaReportDto {
  id: number;
  batchId: string;
  taskId: string | null;
  row: number;
  prompt: string;
  confidence: number;
  missing: { attribute: string; expected: string; why: string }[];
  suggestion: string;
  expectedGain: number;
  /** 'ran': the row started generating with its prompt as it was, so the report no longer applies. */
  status: 'open' | 'accepted' | 'edited' | 'dismissed' | 'ran';
}

// ───────────────────────────── library ─────────────────────────────

export const LibraryQuerySchema = z.object({
  text: z.string().max(500).default(''),
  batchId: z.string().optional(),
  /** Checkpoint (pack id or imported checkpoint name) and LoRA name from the recipe (issue 15). */
  model: z.string().max(200).optional(),
  lora: z.string().max(200).optional(),
  category: z.string().optional(),
  tags: z.array(z.string().max(100)).max(20).optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  minScore: z.number().min(0).max(1).optional(),
  maxScore: z.number().min(0).max(1).optional(),
  state: z.enum(['active', 'archived', 'deleted']).optional(),
  sort: z.enum(['date', 'score', 'name']).default('date'),
  limit: z.number().int().min(1).max(500).default(100),
  cursor: z.string().nullable().optional(),
});
export type LibraryQuery = z.input<typeof LibraryQuerySchema>;

export interface AssetSummary { id: string; name: string; thumbUrl: string; styleScore: number | null; category: string | null; width: number; height: number; createdAt: string; state: string }
export interface AssetTag { tag: string; group: string; confidence: number; source: 'clip' | 'claude' | 'user' }
export interface AssetDetail extends AssetSummary {
  imageUrl: string;
  batchId: string;
  prompt: string;
  negativePrompt: string;
  params: Record<string, unknown>;
  seed: number;
  model: string;
  /** LoRAs baked into the weights that made it (names, as the LoRA filter takes them). */
  loras: string[];
  scores: StyleScoresDto | null;
  tags: AssetTag[];
  subcategories: string[];
  version: number;
  versions: { id: string; version: number; createdAt: string; thumbUrl: string }[];
  fileSize: number;
  recipe: string;
}
export interface SearchResult { items: AssetSummary[]; nextCursor: string | null; total: number; totalExact: boolean }

export const ExportRequestSchema = z.object({
  format: z.enum(['zip', 'unity', 'shopify', 'file']),
  /** 'folder' writes to outDir; 'download' (ZIP only) streams the archive to the browser. */
  delivery: z.enum(['folder', 'download']).default('folder'),
  outDir: z.string().min(1).max(1000).optional(),
  assetIds: z.array(Id).max(100_000).optional(),
  query: LibraryQuerySchema.partial().optional(),
  unityFolder: z.string().max(100).optional(),
  /** When a target file exists: refuse, write under a new name, or replace it (the dialog's choice). */
  onConflict: z.enum(['refuse', 'rename', 'overwrite']).optional(),
  shopifyTemplate: z.string().optional(),
  baseUrl: z.string().max(1000).optional(),
});

export interface TokenCount {
  /** BPE tokens of the text (without BOS/EOS). */
  count: number;
  /** Tokens the text encoder reads (77 minus BOS/EOS). */
  limit: number;
  /** The text split into words with whether the encoder sees each one. */
  words: { text: string; tokens: number; kept: boolean }[];
  /** Which tokenizer counted: the pack's id. */
  tokenizer: string;
}

export interface ExportProgress { exportId: string; state: 'running' | 'done' | 'failed' | 'cancelled'; done: number; total: number; bytes: number; outPath: string | null; error: string | null }

// ───────────────────────────── hot folder ─────────────────────────────

/** One CSV dropped into the hot folder and what became of it (a batch, or why not). */
export interface HotFolderDrop {
  id: string;
  name: string;
  at: string;
  state: 'started' | 'failed';
  batchId: string | null;
  /** Where the files went (done/ or failed/, with name.error.txt when failed). */
  movedTo: string;
  error: string | null;
}

// ───────────────────────────── metrics ─────────────────────────────

export interface Alert { id: string; level: 'warning' | 'critical'; message: string; batchId: string | null; at: string }
export interface MetricsSnapshot {
  at: string;
  queueDepth: number;
  throughputPerMin: number;
  etaSeconds: number | null;
  /** Shares of finished rows as the ledger decided them (auto-pass; approvals are in rates.approvedRate, never counted as passes). */
  passRate: number;
  retryRate: number;
  dlqRate: number;
  rates: DecisionRates;
  errorRate: number;
  gpuSeconds: number;
  apiTokens: number;
  apiCostUsd: number;
  scoreHistogram: { bins: number[]; counts: number[] };
  /** One point per minute over the last 30 minutes: t in epoch ms, throughput in attempts/min. */
  series: { t: number; throughput: number; errorRate: number }[];
  alerts: Alert[];
}

/** Settings → Maintenance → Check database (`assetql doctor --db`): the full integrity check. */
export interface DatabaseCheckResult {
  path: string;
  bytes: number;
  ok: boolean;
  problems: string[];
  ms: number;
}

/** Settings → Maintenance → Rebuild library index (`assetql library rebuild`). */
export interface RebuildIndexResult {
  scanned: number;
  restored: number;
  alreadyIndexed: number;
  batchesRecreated: number;
  skipped: { file: string; reason: string }[];
}

// ───────────────────────────── the request map ─────────────────────────────

/**
 * name → [argument schema, result type]. The schema is what main validates; the result type
 * is what the renderer receives inside ApiResult.
 */
export const requestSchemas = {
  'app.info': Empty,
  'app.doctor': z.object({ smoke: z.boolean().default(false) }).optional(),
  /** Electron only: the OS folder picker / reveal a file in the OS file manager. */
  'app.pickFolder': Empty,
  'app.showInFolder': z.object({ path: z.string().min(1).max(4000) }),
  'app.checkDatabase': Empty,
  'library.rebuildIndex': Empty,

  'settings.get': Empty,
  'settings.update': z.object({
    thresholds: SettingsSchema.shape.thresholds.partial(),
    defaultPackId: SettingsSchema.shape.defaultPackId,
    clipPackId: SettingsSchema.shape.clipPackId,
    executionProvider: SettingsSchema.shape.executionProvider,
    hotFolder: SettingsSchema.shape.hotFolder.partial(),
    archiveAfterDays: SettingsSchema.shape.archiveAfterDays,
    claude: SettingsSchema.shape.claude.partial(),
    s3: SettingsSchema.shape.s3.partial(),
    alerts: SettingsSchema.shape.alerts.partial(),
    exportRoot: SettingsSchema.shape.exportRoot,
    purgeDeletedAfterDays: SettingsSchema.shape.purgeDeletedAfterDays,
  }).partial().strict(),
  'distributed.get': Empty,
  'distributed.save': z.object({
    enabled: z.boolean(),
    generateLocally: z.boolean(),
    maxInFlight: z.number().int().min(1).max(256),
    /** Empty keeps the stored URL (the UI only ever sees the redacted form). */
    redisUrl: z.string().max(2000).regex(/^(|rediss?:\/\/.+)$/, 'must start with redis:// or rediss://'),
    storeUrl: z.string().max(2000).regex(/^(|(https?|s3):\/\/.+)$/, 'must start with http://, https:// or s3://'),
  }).strict(),
  'distributed.check': Empty,
  'workers.list': Empty,
  'secrets.status': Empty,
  'secrets.setClaudeKey': z.object({ key: z.string().max(500) }),
  'secrets.setS3Secret': z.object({ secretAccessKey: z.string().max(500) }),
  'secrets.checkS3': Empty,

  'models.list': Empty,
  'models.download': z.object({ id: Id }),
  'models.cancelDownload': z.object({ id: Id }),
  'models.verify': z.object({ id: Id }),
  'models.locate': z.object({ dir: z.string().min(1).max(1000) }),
  'models.createTestPacks': Empty,
  'models.importCheckpoint': z.object({ path: z.string().min(1).max(1000), baseId: Id, name: z.string().trim().min(1).max(80).optional() }).strict(),
  /** Installs an IP-Adapter .safetensors onto an installed SDXL pack, as a new pack (`models ip-adapter install`). */
  'models.installIpAdapter': z.object({ path: z.string().min(1).max(1000), baseId: Id, name: z.string().trim().min(1).max(80).optional(), headDim: z.number().int().min(1).max(1024).optional() }).strict(),
  'loras.list': Empty,
  'loras.import': z.object({ path: z.string().min(1).max(1000), name: z.string().trim().min(1).max(80).optional() }).strict(),
  'loras.remove': z.object({ id: Id }).strict(),
  'loras.cache': Empty,
  'loras.setCacheLimit': z.object({ bytes: z.number().int().min(0).max(2 ** 50) }).strict(),
  'loras.clearCache': Empty,
  /** Free space where packs are downloaded (first run shows it next to each pack's size). */
  'models.storage': Empty,
  'models.recommend': Empty,
  'models.convert': z.object({ id: Id }),
  'gpu.status': Empty,
  'gpu.enableCuda': Empty,
  'gpu.cancelEnableCuda': Empty,
  'gpu.disableCuda': Empty,

  'uploads.put': z.object({ name: z.string().min(1).max(255), dataBase64: z.string().max(200 * 1024 * 1024) }),
  /**
   * Electron only: main streams a file the user dropped or picked from its path on disk (no bytes
   * cross IPC). Refused on the browser transport, where a web page must never name local paths.
   */
  'uploads.fromPath': z.object({ path: z.string().min(2).max(4096).refine((p) => isAbsolutePath(p), 'must be an absolute path') }).strict(),
  'intake.parseCsv': z.object({ uploadId: Id }),
  'intake.checkRefs': z.object({ uploadIds: z.array(Id).min(1).max(5) }),
  'intake.preview': z.object({ plan: PromptPlanSchema, limit: z.number().int().min(1).max(50).default(8) }),
  'intake.tokenCount': z.object({ text: z.string().max(4000), packId: z.string().max(200).nullable().optional() }),

  'profiles.list': Empty,
  'profiles.get': z.object({ id: Id, version: z.number().int().positive().optional() }),
  'profiles.create': z.object({ name: z.string().min(1).max(200), refUploadIds: z.array(Id).min(1).max(5) }),
  'profiles.update': z.object({ id: Id, edits: z.record(z.string(), z.number()), locks: z.record(z.string(), z.boolean()) }),

  'batches.create': z.object({ name: z.string().min(1).max(200), plan: PromptPlanSchema, config: BatchConfigInputSchema, strict: z.boolean().default(false) }),
  'batches.list': z.object({ includeArchived: z.boolean().default(false) }).strict().optional(),
  'batches.get': z.object({ id: Id }),
  'batches.tasks': z.object({ id: Id }),
  'batches.pause': z.object({ id: Id }),
  'batches.resume': z.object({ id: Id }),
  'batches.cancel': z.object({ id: Id }),
  'batches.setPriority': z.object({ id: Id, priority: z.number().int().min(-1000).max(1000) }),
  /** Bounds of every numeric BatchConfig field, read from BatchConfigSchema (the form's min/max). */
  'batches.configBounds': Empty,
  'batches.rename': z.object({ id: Id, name: z.string().trim().min(1).max(200) }),
  'batches.duplicate': z.object({ id: Id, changes: DuplicateChangesSchema.default({}) }),
  'batches.rerunFailed': z.object({ id: Id }),
  'batches.archive': z.object({ id: Id, archived: z.boolean() }),
  /** Deletes the batch's rows and attempts; its library assets stay unless deleteAssets. */
  'batches.delete': z.object({ id: Id, deleteAssets: z.boolean().default(false) }),
  'tasks.get': z.object({ id: Id }),
  'tasks.setPriority': z.object({ ids: Ids, priority: z.number().int().min(-1000).max(1000) }),
  'tasks.release': z.object({ ids: Ids, action: z.enum(['release', 'drop']) }),

  'delta.list': z.object({ batchId: z.string().optional(), status: z.enum(['open', 'all']).default('open') }),
  'delta.resolve': z.object({ id: z.number().int(), action: z.enum(['accept', 'edit', 'dismiss']), prompt: z.string().max(4000).optional() }),

  'review.list': Empty,
  /** `attempt` picks which attempt's image is filed (one task only); default: the best-scoring one. */
  'review.approve': z.object({ taskIds: Ids, attempt: z.number().int().min(1).optional() }),
  'review.reject': z.object({ taskIds: Ids }),
  'review.rerun': RerunSchema,
  /** Undo one recorded decision (un-approve removes the asset; un-reject returns the row to review). */
  'review.undo': z.object({ decisionId: z.number().int().positive() }),
  'review.history': z.object({ taskId: Id.optional(), batchId: Id.optional(), limit: z.number().int().min(1).max(1000).default(100) }),

  'library.search': LibraryQuerySchema,
  'library.get': z.object({ id: Id }),
  'library.similar': z.object({ assetId: Id.optional(), uploadId: Id.optional(), k: z.number().int().min(1).max(200).default(20) }),
  'library.setTags': z.object({ id: Id, tags: z.array(z.string().min(1).max(100)).max(100) }),
  'library.setCategory': z.object({ id: Id, category: z.string().max(100).nullable() }),
  'library.archive': z.object({ ids: Ids }),
  'library.restore': z.object({ ids: Ids }),
  'library.delete': z.object({ ids: Ids }),
  'library.facets': Empty,
  'library.undelete': z.object({ ids: Ids }),
  /** Purges deleted assets now (the given ones, or every deleted one). */
  'library.purge': z.object({ ids: Ids.optional() }),
  /** Adds an approved asset to a style profile's references as a new profile version. */
  'library.addToRefs': z.object({ assetId: Id, profileId: Id.optional() }),

  'export.start': ExportRequestSchema,
  'export.cancel': z.object({ exportId: Id }),
  'sync.start': Empty,

  /** The hot folder's drops since the app started, newest first, and whether it is watching. */
  'hotFolder.drops': Empty,
  'metrics.get': z.object({ batchId: z.string().optional() }).optional(),
} as const;

export interface RequestResults {
  'app.info': AppInfo;
  'app.doctor': DoctorReport;
  'app.pickFolder': { path: string | null };
  'app.showInFolder': { shown: boolean };
  'app.checkDatabase': DatabaseCheckResult;
  'library.rebuildIndex': RebuildIndexResult;
  'settings.get': Settings;
  'settings.update': Settings;
  'distributed.get': DistributedSettingsDto;
  'distributed.save': DistributedSettingsDto;
  'distributed.check': DistributedCheckDto;
  'workers.list': WorkersDto;
  'secrets.status': { claude: boolean; s3: boolean; storage: 'safeStorage' | 'file' };
  /** An empty key removes it; a new key is checked with a test call first (refused keys are not stored). */
  'secrets.setClaudeKey': { stored: boolean; check: { ok: boolean; reachable: boolean; message: string } | null };
  /**
   * An empty secret removes it; a new one is checked with a HeadBucket test call against the saved
   * S3 settings first (a key S3 refuses is not stored; check is null when bucket or key ID are unset).
   */
  'secrets.setS3Secret': { stored: boolean; check: S3CheckDto | null };
  /** "Test connection": the saved S3 settings and stored secret, one HeadBucket call. */
  'secrets.checkS3': S3CheckDto;
  'models.list': PackInfo[];
  'models.download': { started: boolean };
  'models.cancelDownload': { cancelled: boolean };
  'models.verify': { ok: boolean; problems: string[] };
  'models.locate': PackInfo;
  'models.createTestPacks': PackInfo[];
  'models.importCheckpoint': CheckpointImportDto;
  'models.installIpAdapter': IpAdapterInstallDto;
  'loras.list': LoraDto[];
  'loras.import': LoraDto;
  'loras.remove': { removed: string };
  'loras.cache': LoraCacheDto;
  'loras.setCacheLimit': LoraCacheDto;
  'loras.clearCache': LoraCacheDto;
  'models.storage': { dir: string; freeBytes: number | null };
  'models.recommend': ModelRecommendation;
  'models.convert': { started: boolean; id: string };
  'gpu.status': CudaRuntimeDto;
  'gpu.enableCuda': { started: boolean };
  'gpu.cancelEnableCuda': { cancelled: boolean };
  'gpu.disableCuda': CudaRuntimeDto;
  'uploads.put': Upload;
  'uploads.fromPath': Upload;
  'intake.parseCsv': CsvReport;
  'intake.checkRefs': RefImageReport[];
  'intake.preview': PromptPreviewResult;
  'intake.tokenCount': TokenCount;
  'profiles.list': ProfileSummary[];
  'profiles.get': ProfileDetail;
  'profiles.create': ProfileDetail;
  'profiles.update': ProfileDetail;
  'batches.create': { batchId: string; tasks: number; skippedRows: number; held: number; skipped: CsvIssue[]; reusedProfile: boolean };
  'batches.list': BatchSummary[];
  'batches.get': BatchSummary;
  /** The batch and every row of it, from one snapshot. */
  'batches.tasks': BatchView;
  'batches.pause': BatchSummary;
  'batches.resume': BatchSummary;
  'batches.cancel': BatchSummary;
  'batches.setPriority': BatchSummary;
  'batches.configBounds': Record<string, FieldBounds>;
  'batches.rename': BatchSummary;
  'batches.duplicate': BatchSummary;
  'batches.rerunFailed': { queued: number; batch: BatchSummary };
  'batches.archive': BatchSummary;
  'batches.delete': { id: string; tasks: number; assetsDeleted: number };
  'tasks.get': TaskDetail;
  'tasks.setPriority': { updated: number };
  'tasks.release': { updated: number };
  'delta.list': DeltaReportDto[];
  'delta.resolve': DeltaReportDto;
  'review.list': ReviewItem[];
  'review.approve': { approved: number };
  'review.reject': { rejected: number };
  'review.rerun': TaskSummary;
  'review.undo': ReviewDecisionDto;
  'review.history': ReviewDecisionDto[];
  'library.search': SearchResult;
  'library.get': AssetDetail;
  'library.similar': AssetSummary[];
  'library.setTags': AssetDetail;
  'library.setCategory': AssetDetail;
  'library.archive': { changed: number };
  'library.restore': { changed: number };
  'library.delete': { changed: number };
  /** models/loras: the checkpoints (pack id or imported checkpoint name) and LoRAs the library's recipes name, with asset counts. */
  'library.facets': { categories: string[]; tags: { tag: string; count: number }[]; batches: { id: string; name: string }[]; models: { name: string; count: number }[]; loras: { name: string; count: number }[] };
  'library.undelete': { changed: number };
  'library.purge': { purged: number };
  'library.addToRefs': ProfileDetail;
  'export.start': { exportId: string; downloadUrl: string | null };
  'export.cancel': { cancelled: boolean };
  'sync.start': { started: boolean };
  'hotFolder.drops': { watching: string | null; problem: string | null; drops: HotFolderDrop[] };
  'metrics.get': MetricsSnapshot;
}

export type RequestName = keyof typeof requestSchemas;
export type RequestArg<K extends RequestName> = z.input<(typeof requestSchemas)[K]>;
export type ParsedArg<K extends RequestName> = z.output<(typeof requestSchemas)[K]>;
export type RequestResult<K extends RequestName> = RequestResults[K];

// Compile-time check that both maps name the same requests.
type _SameKeys = [Exclude<RequestName, keyof RequestResults>, Exclude<keyof RequestResults, RequestName>] extends [never, never] ? true : never;
const _sameKeys: _SameKeys = true;
void _sameKeys;

// ───────────────────────────── pushed events ─────────────────────────────

export interface EventPayloads {
  'task.updated': TaskSummary;
  'task.progress': { taskId: string; batchId: string; step: number; steps: number; previewUrl: string | null };
  /** The batch's summary and the rows that changed since its previous push (one snapshot). */
  'batch.updated': BatchView;
  /** A batch was deleted: lists drop it. */
  'batch.deleted': { id: string };
  'metrics.updated': MetricsSnapshot;
  'alert.raised': Alert;
  'download.progress': { id: string; state: 'running' | 'done' | 'failed' | 'cancelled'; bytes: number; total: number; rate: number; etaSeconds: number | null; error: string | null };
  /** Enable CUDA acceleration: stage, bytes, and at the end the outcome in words. */
  'gpu.progress': { state: 'running' | 'done' | 'failed' | 'cancelled'; stage: string; bytes: number; total: number; message: string };
  'export.progress': ExportProgress;
  /** Checkpoint import / IP-Adapter install (Settings): weight bytes written so far, then the smoke generation. */
  'weights.progress': { op: 'checkpoint' | 'ip-adapter'; file: string; stage: 'writing' | 'smoke'; bytes: number; elapsedMs: number };
  'sync.progress': {
    state: 'running' | 'done' | 'failed';
    done: number;
    total: number;
    error: string | null;
    /** Per-file failures so far (key + why), capped at 50; the summary counts all of them. */
    errors?: { key: string; message: string }[];
    /** The final summary (state done/failed): uploaded, already up to date, failed. */
    summary?: { uploaded: number; skipped: number; failed: number };
  };
  'library.changed': { assetIds: string[] };
  'delta.updated': { batchId: string };
  'hotfolder.drop': HotFolderDrop;
  /** An engine-level problem that is not one row's fault (a stage could not be built, a model file is missing). */
  'engine.error': { message: string; kind: ApiErrorKind | string; batchId: string | null; at: string };
}
export type EventName = keyof EventPayloads;
export const EVENT_NAMES = [
  'task.updated', 'task.progress', 'batch.updated', 'batch.deleted', 'metrics.updated', 'alert.raised',
  'download.progress', 'gpu.progress', 'export.progress', 'weights.progress', 'sync.progress', 'library.changed', 'delta.updated', 'hotfolder.drop', 'engine.error',
] as const satisfies readonly EventName[];
type _AllEvents = Exclude<EventName, (typeof EVENT_NAMES)[number]> extends never ? true : never;
const _allEvents: _AllEvents = true;
void _allEvents;

export const REQUEST_NAMES = Object.keys(requestSchemas) as RequestName[];

// ───────────────────────────── what window.assetql looks like ─────────────────────────────

export interface AssetqlApi {
  request<K extends RequestName>(name: K, arg: RequestArg<K>): Promise<ApiResult<RequestResult<K>>>;
  /** Subscribes to a pushed event; returns the unsubscribe function. */
  on<E extends EventName>(name: E, listener: (payload: EventPayloads[E]) => void): () => void;
  /** Which transport carries this API (Electron IPC or the browser UI's WebSocket). */
  readonly transport: 'electron' | 'browser';
  /**
   * Electron only: where a dropped or picked File lies on disk ('' for one that has no file
   * behind it, e.g. pasted), for uploads.fromPath. The browser never learns local paths.
   */
  pathForFile?(file: File): string;
}

/** IPC channel names derived from the contract: the only place a channel string is built. */
export const ipcChannel = {
  request: 'assetql:request',
  event: 'assetql:event',
} as const;

// ───────────────────────────── browser UI wire format ─────────────────────────────

/** Messages on the browser UI's WebSocket (JSON text frames). */
export type WireClientMessage = { t: 'req'; id: number; name: string; arg: unknown };
export type WireServerMessage =
  | { t: 'res'; id: number; result: ApiResult<unknown> }
  | { t: 'evt'; name: EventName; payload: unknown };
/**
 * Path of the WebSocket endpoint and the query parameter / cookie carrying the launch token.
 * The cookie's name is `<cookie>_<port>`: every instance on 127.0.0.1 shares the browser's cookie jar
 * (cookies ignore ports), so a fixed name let a second instance log the first one's tab out.
 * Uploads from the browser are streamed to `uploadPath` (POST, body = the file, ?name=<file name>).
 */
export const WIRE = { wsPath: '/ws', tokenParam: 'token', cookie: 'assetql_token', filesPath: '/files/', uploadPath: '/upload' } as const;
