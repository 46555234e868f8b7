import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { BatchConfigInput, CsvIssue as CsvIssueDto } from '../../preload/api.ts';
import type { AppServices } from '../api/app-services.ts';
import { AppError } from '../core/app-error.ts';
import type { PipelineEngine } from '../pipeline/engine.ts';
import { createProfile, getProfile, recordBatchProfile } from '../dna/profile-repo.ts';
import type { StyleProfile } from '../dna/style-profile.ts';
import { styleKeywords } from '../dna/style-keywords.ts';
import { readCsvFile } from '../intake/csv/parse-csv.ts';
import { parseBatchConfig, type StyleGroupMode } from '../intake/config/batch-config.ts';
import { packLimits } from '../intake/config/pack-limits.ts';
import { buildPrompts, promptToTask, type BuiltPrompt } from '../intake/template/build-prompts.ts';
import { preflight } from '../intake/preflight/preflight.ts';
import { preflightStyleFromProfile } from '../intake/style-from-profile.ts';
import { saveDeltaReports } from '../intake/preflight/delta-repo.ts';
import { createClaudeClient } from '../llm/claude-client.ts';
import { polishPrompts } from '../llm/polish-prompts.ts';
import type { PackProvider, SdxlManifest } from '../../models/manifest.ts';
import { preflightPack } from '../../models/pack-preflight.ts';
import { detectGpuMemory } from '../gpu-runtime/gpu-memory.ts';

export type StyleSwitch = 'on' | 'off' | 'locked';

export interface CreateBatchInput {
  name: string;
  csvPath: string;
  csvName: string;
  promptColumn: string | null;
  template: string | null;
  negativePrompt: string;
  style: { colours: StyleSwitch; lighting: StyleSwitch; composition: StyleSwitch; medium: StyleSwitch };
  /** A saved profile, or reference image files to build a new one from. */
  profileId: string | null;
  refPaths: string[];
  config: BatchConfigInput;
  source: 'ui' | 'cli' | 'hot-folder';
  /** Start generating right away (the UI's Start button); false leaves a draft. */
  start: boolean;
}

export interface CreateBatchResult {
  batchId: string;
  tasks: number;
  skippedRows: number;
  held: number;
  lowConfidence: number;
  /** Rows that were skipped, each with its row, column and why. */
  skipped: CsvIssueDto[];
  /** An existing profile built from the same reference files was used instead of a new one. */
  reusedProfile: boolean;
  warnings: string[];
}

const MODE: Record<StyleSwitch, StyleGroupMode> = { on: 'include', off: 'drop', locked: 'lock' };

/**
 * The front door of every batch started from the app (New batch screen, hot folder): parse the
 * CSV (bad rows listed and skipped, never sinking the batch), resolve the style profile, build
 * the prompts, polish them with Claude when enabled, run the CLIP pre-flight (delta reports,
 * holding low-confidence rows when the batch says so), then write the batch to the ledger.
 */
export async function createBatchFromCsv(s: AppServices, engine: PipelineEngine, input: CreateBatchInput): Promise<CreateBatchResult> {
  const pack = s.inference.resolveSdxlPack(input.config.packId ?? null);
  const manifest = pack.manifest?.kind === 'sdxl' ? (pack.manifest as SdxlManifest) : null;
  const limits = packLimits(manifest);
  const config = parseBatchConfig(
    {
      ...input.config,
      packId: pack.id,
      negativePrompt: input.negativePrompt,
      style: {
        colours: { mode: MODE[input.style.colours] },
        lighting: { mode: MODE[input.style.lighting] },
        composition: { mode: MODE[input.style.composition] },
        medium: { mode: MODE[input.style.medium] },
      },
    },
    limits,
  );

  // Refuses a pack the chosen provider cannot run, before anything is spent (issue 16).
  const packWarnings = manifest
    ? await preflightPack(manifest, config.width, config.height, {
        provider: async () => ((await s.inference.providers()).resolved.chosen[0] ?? 'cpu') as PackProvider,
        gpuMemory: async () => (await detectGpuMemory()).bytes,
      })
    : [];

  const csv = await readCsvFile(input.csvPath, {
    usesTemplate: Boolean(input.template),
    ...(input.promptColumn ? { promptColumn: input.promptColumn } : {}),
    sourceName: input.csvName,
  });
  const embedder = await s.inference.embedder().catch(() => null);
  const profile = await resolveProfile(s, input, embedder);
  const built = buildPrompts(csv, { config, template: input.template, limits, style: { keywords: styleKeywords(profile) } });
  if (built.prompts.length === 0) {
    const why = [...csv.errors, ...built.errors].slice(0, 5).map((e) => e.message).join('; ');
    throw new AppError('BadInput', `no usable rows in ${input.csvName}${why ? `: ${why}` : ''}`);
  }
  const batchId = randomUUID();
  const prompts = config.polish ? await polish(s, built.prompts, config.polishModel, batchId) : built.prompts;

  const pre = await preflight(prompts, preflightStyleFromProfile(profile, embedder), embedder, {
    threshold: config.thresholds.preflight,
    lowConfidence: config.lowConfidence,
  });
  const byRow = new Map(pre.rows.map((r) => [r.row, r]));

  const batch = engine.createBatch({
    id: batchId,
    name: input.name,
    model: pack.id,
    config: { ...config },
    template: input.template,
    profileId: profile.id,
    profileVersion: profile.version,
    csvName: input.csvName,
    csvSha256: createHash('sha256').update(readFileSync(input.csvPath)).digest('hex'),
    source: input.source,
    start: input.start,
    tasks: prompts.map((p) => ({
      ...promptToTask(p),
      preflightConfidence: byRow.get(p.row)?.confidence ?? null,
      held: byRow.get(p.row)?.held ?? false,
    })),
  });
  if (profile.id) recordBatchProfile(s.app.db, batch.id, { id: profile.id, version: profile.version });
  const taskIdByRow = new Map(engine.listTasks({ batchId: batch.id }).map((t) => [t.rowIndex, t.id]));
  const deltas = pre.rows.flatMap((r) => (r.delta ? [r.delta] : []));
  if (deltas.length) saveDeltaReports(s.app.db, batch.id, deltas, taskIdByRow);
  s.bus.emit('delta.updated', { batchId: batch.id });
  engine.poke();

  const bad = [...csv.errors, ...built.errors];
  const skippedRows = new Set(bad.map((e) => e.row).filter((r): r is number => r !== null)).size;
  return {
    batchId: batch.id,
    tasks: prompts.length,
    skippedRows,
    held: pre.rows.filter((r) => r.held).length,
    lowConfidence: pre.rows.filter((r) => r.low).length,
    skipped: bad.map((i) => ({ row: i.row, column: i.column, ...(i.value != null ? { value: i.value } : {}), message: i.message })),
    reusedProfile: false,
    warnings: [...packWarnings, ...[...csv.warnings, ...built.warnings].map((w) => w.message)].concat(pre.available ? [] : [pre.reason ?? 'pre-flight unavailable']),
  };
}

async function resolveProfile(s: AppServices, input: CreateBatchInput, embedder: Awaited<ReturnType<AppServices['inference']['embedder']>>): Promise<StyleProfile> {
  if (input.profileId) return getProfile(s.app.db, input.profileId);
  if (input.refPaths.length === 0) throw new AppError('BadInput', 'add 1–5 reference images or choose a saved style profile');
  return createProfile(s.app.db, s.app.dataDir, input.refPaths, { name: `${input.name} style`, embedder });
}

async function polish(s: AppServices, prompts: BuiltPrompt[], model: string, batchId: string): Promise<BuiltPrompt[]> {
  const apiKey = await s.secrets.claude.get();
  if (!apiKey) throw new AppError('BadInput', 'prompt polish is on but no Claude API key is stored: add one in Settings, or turn polish off');
  const client = createClaudeClient({ apiKey, ...(process.env['ASSETQL_ANTHROPIC_BASE_URL'] ? { baseURL: process.env['ASSETQL_ANTHROPIC_BASE_URL'] } : {}) });
  const summary = await polishPrompts(prompts.map((p) => ({ row: p.row, prompt: p.prompt, lockedTerms: p.lockedTerms })), { client, model, db: s.app.db, batchId });
  const byRow = new Map(summary.results.map((r) => [r.row, r.prompt]));
  return prompts.map((p) => ({ ...p, prompt: byRow.get(p.row) ?? p.prompt }));
}
