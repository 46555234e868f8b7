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
export type BatchState = 'draft' | 'running' | 'paused' | 'cancelled' | 'done';

export interface Upload { uploadId: string; name: string; size: number; kind: 'csv' | 'image' | 'other' }

export interface PaletteColour { hex: string; name: string; weight: number; lab: [number, number, number] }

export interface StyleScoresDto {
  styleScore: number;
  clipSimilarity: number | null;
  colourDistance: number;
  edgeSimilarity: number;
  pass: boolean;
  /** Per metric: did it meet its target? */
  checks: Record<string, boolean>;
  /** Human-readable reasons for failure, empty when passed. */
  reasons: string[];
}

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
  thresholds: z.object({
    style: z.number().min(0).max(1.5),
    clip: z.number().min(0).max(1.5),
    colour: z.number().min(0).max(100),
    edge: z.number().min(0).max(1.5),
    preflight: z.number().min(0).max(1),
  }),
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
});
export type Settings = z.infer<typeof SettingsSchema>;

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

export const BatchConfigSchema = z.object({
  width: z.number().int().min(64).max(4096),
  height: z.number().int().min(64).max(4096),
  steps: z.number().int().min(1).max(150),
  guidance: z.number().min(0).max(30),
  sampler: SamplerSchema,
  seedMode: z.enum(['random', 'fixed']),
  seed: z.number().int().min(0).max(2 ** 32 - 1),
  packId: z.string().nullable(),
  retries: z.number().int().min(0).max(3),
  concurrency: z.number().int().min(1).max(8),
  lowConfidence: z.enum(['continue', 'hold']),
  polish: z.boolean(),
  thresholds: SettingsSchema.shape.thresholds,
});
export type BatchConfigDto = z.infer<typeof BatchConfigSchema>;

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
}

// ───────────────────────────── batches & tasks ─────────────────────────────

export interface BatchCounts { total: number; pending: number; active: number; ready: number; review: number; failed: number; held: number; cancelled: number }
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

/** "Run again with changes": what may differ from the source batch (everything else is copied). */
export const DuplicateChangesSchema = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  steps: z.number().int().min(1).max(150).optional(),
  guidance: z.number().min(0).max(30).optional(),
  sampler: SamplerSchema.optional(),
  width: z.number().int().min(64).max(4096).optional(),
  height: z.number().int().min(64).max(4096).optional(),
  seeds: z.enum(['keep', 'new']).optional(),
  onlyFailed: z.boolean().optional(),
}).strict();
export type DuplicateChanges = z.infer<typeof DuplicateChangesSchema>;

export interface TaskSummary {
  id: string;
  batchId: string;
  row: number;
  name: string;
  state: TaskState;
  /** Held after a low pre-flight confidence (batch setting 'hold'): waits for the user. */
  held: boolean;
  priority: number;
  attempts: number;
  styleScore: number | null;
  thumbUrl: string | null;
  error: string | null;
}
export interface AttemptDto {
  n: number;
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
  status: 'open' | 'accepted' | 'edited' | 'dismissed';
}

// ───────────────────────────── library ─────────────────────────────

export const LibraryQuerySchema = z.object({
  text: z.string().max(500).default(''),
  batchId: z.string().optional(),
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
  scores: StyleScoresDto | null;
  tags: AssetTag[];
  subcategories: string[];
  version: number;
  versions: { id: string; version: number; createdAt: string; thumbUrl: string }[];
  fileSize: number;
  recipe: string;
}
export interface SearchResult { items: AssetSummary[]; nextCursor: string | null; total: number }

export const ExportRequestSchema = z.object({
  format: z.enum(['zip', 'unity', 'shopify', 'file']),
  outDir: z.string().min(1).max(1000),
  assetIds: z.array(Id).max(100_000).optional(),
  query: LibraryQuerySchema.partial().optional(),
  unityFolder: z.string().max(100).optional(),
  shopifyTemplate: z.string().optional(),
  baseUrl: z.string().max(1000).optional(),
});

export interface ExportProgress { exportId: string; state: 'running' | 'done' | 'failed' | 'cancelled'; done: number; total: number; bytes: number; outPath: string | null; error: string | null }

// ───────────────────────────── metrics ─────────────────────────────

export interface Alert { id: string; level: 'warning' | 'critical'; message: string; batchId: string | null; at: string }
export interface MetricsSnapshot {
  at: string;
  queueDepth: number;
  throughputPerMin: number;
  etaSeconds: number | null;
  passRate: number;
  retryRate: number;
  dlqRate: number;
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
  }).partial().strict(),
  'secrets.status': Empty,
  'secrets.setClaudeKey': z.object({ key: z.string().max(500) }),
  'secrets.setS3Secret': z.object({ secretAccessKey: z.string().max(500) }),

  'models.list': Empty,
  'models.download': z.object({ id: Id }),
  'models.cancelDownload': z.object({ id: Id }),
  'models.verify': z.object({ id: Id }),
  'models.locate': z.object({ dir: z.string().min(1).max(1000) }),
  'models.createTestPacks': Empty,
  'models.recommend': Empty,
  'models.convert': z.object({ id: Id }),
  'gpu.status': Empty,
  'gpu.enableCuda': Empty,
  'gpu.cancelEnableCuda': Empty,
  'gpu.disableCuda': Empty,

  'uploads.put': z.object({ name: z.string().min(1).max(255), dataBase64: z.string().max(200 * 1024 * 1024) }),
  'intake.parseCsv': z.object({ uploadId: Id }),
  'intake.checkRefs': z.object({ uploadIds: z.array(Id).min(1).max(5) }),
  'intake.preview': z.object({ plan: PromptPlanSchema, limit: z.number().int().min(1).max(50).default(8) }),

  'profiles.list': Empty,
  'profiles.get': z.object({ id: Id, version: z.number().int().positive().optional() }),
  'profiles.create': z.object({ name: z.string().min(1).max(200), refUploadIds: z.array(Id).min(1).max(5) }),
  'profiles.update': z.object({ id: Id, edits: z.record(z.string(), z.number()), locks: z.record(z.string(), z.boolean()) }),

  'batches.create': z.object({ name: z.string().min(1).max(200), plan: PromptPlanSchema, config: BatchConfigSchema }),
  'batches.list': z.object({ includeArchived: z.boolean().default(false) }).strict().optional(),
  'batches.get': z.object({ id: Id }),
  'batches.tasks': z.object({ id: Id }),
  'batches.pause': z.object({ id: Id }),
  'batches.resume': z.object({ id: Id }),
  'batches.cancel': z.object({ id: Id }),
  'batches.setPriority': z.object({ id: Id, priority: z.number().int().min(-1000).max(1000) }),
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
  'review.approve': z.object({ taskIds: Ids }),
  'review.reject': z.object({ taskIds: Ids }),
  'review.rerun': RerunSchema,

  'library.search': LibraryQuerySchema,
  'library.get': z.object({ id: Id }),
  'library.similar': z.object({ assetId: Id.optional(), uploadId: Id.optional(), k: z.number().int().min(1).max(200).default(20) }),
  'library.setTags': z.object({ id: Id, tags: z.array(z.string().min(1).max(100)).max(100) }),
  'library.setCategory': z.object({ id: Id, category: z.string().max(100).nullable() }),
  'library.archive': z.object({ ids: Ids }),
  'library.restore': z.object({ ids: Ids }),
  'library.delete': z.object({ ids: Ids }),
  'library.facets': Empty,

  'export.start': ExportRequestSchema,
  'export.cancel': z.object({ exportId: Id }),
  'sync.start': Empty,

  'metrics.get': z.object({ batchId: z.string().optional() }).optional(),
} as const;

export interface RequestResults {
  'app.info': AppInfo;
  'app.doctor': DoctorReport;
  'app.checkDatabase': DatabaseCheckResult;
  'library.rebuildIndex': RebuildIndexResult;
  'settings.get': Settings;
  'settings.update': Settings;
  'secrets.status': { claude: boolean; s3: boolean; storage: 'safeStorage' | 'file' };
  'secrets.setClaudeKey': { stored: boolean };
  'secrets.setS3Secret': { stored: boolean };
  'models.list': PackInfo[];
  'models.download': { started: boolean };
  'models.cancelDownload': { cancelled: boolean };
  'models.verify': { ok: boolean; problems: string[] };
  'models.locate': PackInfo;
  'models.createTestPacks': PackInfo[];
  'models.recommend': ModelRecommendation;
  'models.convert': { started: boolean; id: string };
  'gpu.status': CudaRuntimeDto;
  'gpu.enableCuda': { started: boolean };
  'gpu.cancelEnableCuda': { cancelled: boolean };
  'gpu.disableCuda': CudaRuntimeDto;
  'uploads.put': Upload;
  'intake.parseCsv': CsvReport;
  'intake.checkRefs': RefImageReport[];
  'intake.preview': PromptPreviewResult;
  'profiles.list': ProfileSummary[];
  'profiles.get': ProfileDetail;
  'profiles.create': ProfileDetail;
  'profiles.update': ProfileDetail;
  'batches.create': { batchId: string; tasks: number; skippedRows: number; held: number };
  'batches.list': BatchSummary[];
  'batches.get': BatchSummary;
  'batches.tasks': TaskSummary[];
  'batches.pause': BatchSummary;
  'batches.resume': BatchSummary;
  'batches.cancel': BatchSummary;
  'batches.setPriority': BatchSummary;
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
  'library.search': SearchResult;
  'library.get': AssetDetail;
  'library.similar': AssetSummary[];
  'library.setTags': AssetDetail;
  'library.setCategory': AssetDetail;
  'library.archive': { changed: number };
  'library.restore': { changed: number };
  'library.delete': { changed: number };
  'library.facets': { categories: string[]; tags: { tag: string; count: number }[]; batches: { id: string; name: string }[] };
  'export.start': { exportId: string };
  'export.cancel': { cancelled: boolean };
  'sync.start': { started: boolean };
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
  'batch.updated': BatchSummary;
  /** A batch was deleted: lists drop it. */
  'batch.deleted': { id: string };
  'metrics.updated': MetricsSnapshot;
  'alert.raised': Alert;
  'download.progress': { id: string; state: 'running' | 'done' | 'failed' | 'cancelled'; bytes: number; total: number; rate: number; etaSeconds: number | null; error: string | null };
  /** Enable CUDA acceleration: stage, bytes, and at the end the outcome in words. */
  'gpu.progress': { state: 'running' | 'done' | 'failed' | 'cancelled'; stage: string; bytes: number; total: number; message: string };
  'export.progress': ExportProgress;
  'sync.progress': { state: 'running' | 'done' | 'failed'; done: number; total: number; error: string | null };
  'library.changed': { assetIds: string[] };
  'delta.updated': { batchId: string };
}
export type EventName = keyof EventPayloads;
export const EVENT_NAMES = [
  'task.updated', 'task.progress', 'batch.updated', 'batch.deleted', 'metrics.updated', 'alert.raised',
  'download.progress', 'gpu.progress', 'export.progress', 'sync.progress', 'library.changed', 'delta.updated',
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
