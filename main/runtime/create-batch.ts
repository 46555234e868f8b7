import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { BatchConfigInput, CsvIssue as CsvIssueDto } from '../../preload/api.ts';
import type { Database } from 'better-sqlite3';
import type { AppServices } from '../api/app-services.ts';
import type { DataDir } from '../core/data-dir.ts';
import type { Embedder } from '../inference/embedder.ts';
import { findProfileByRefs, recordProfileRefs, refsKey } from '../dna/profile-sources.ts';
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
  /** `run --strict`: refuse the whole batch when any row is bad, instead of skipping those rows. */
  strict?: boolean;
  /** Identity of a headless run (`assetql run` resumes the batch with the same key). */
  runKey?: string | null;
}

/** What creating a batch needs from its host (the app's services, or `assetql run`'s own wiring). */
export interface CreateBatchDeps {
  db: Database;
  dataDir: DataDir;
  /** The SDXL pack a config names (null: the default), with its manifest for sizes and step ranges. */
  resolvePack(packId: string | null): { id: string; manifest: SdxlManifest | null };
  embedder(): Promise<Embedder | null>;
  /** For the pack pre-flight (issue 16); omitted: no provider/memory check. */
  provider?(): Promise<PackProvider>;
  gpuMemory?(): Promise<number | undefined>;
  claudeKey(): Promise<string | null>;
  /** Told after delta reports were stored (the app pushes delta.updated). */
  onDeltas?(batchId: string): void;
}

/** The app's services as batch-creation deps (New batch screen, hot folder). */
export function appBatchDeps(s: AppServices): CreateBatchDeps {
  return {
    db: s.app.db,
    dataDir: s.app.dataDir,
    resolvePack: (packId) => {
      const pack = s.inference.resolveSdxlPack(packId);
      return { id: pack.id, manifest: pack.manifest?.kind === 'sdxl' ? (pack.manifest as SdxlManifest) : null };
    },
    embedder: () => s.inference.embedder().catch(() => null),
    provider: async () => ((await s.inference.providers()).resolved.chosen[0] ?? 'cpu') as PackProvider,
    gpuMemory: async () => (await detectGpuMemory()).bytes,
    claudeKey: () => s.secrets.claude.get(),
    onDeltas: (batchId) => s.bus.emit('delta.updated', { batchId }),
  };
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
 * THE front door of every batch (New batch screen, hot folder, `assetql run`): parse the CSV
 * (bad rows reported by row and column and skipped — or, strict, the batch refused), resolve the
 * style profile (reusing one built from the same reference files), build the prompts, polish
 * them with Claude when enabled, run the CLIP pre-flight (delta reports, holding low-confidence
 * rows when the batch says so), then write the batch to the ledger.
 */
export async function createBatchFromCsv(d: CreateBatchDeps, engine: PipelineEngine, input: CreateBatchInput): Promise<CreateBatchResult> {
  const pack = d.resolvePack(input.config.packId ?? null);
  const manifest = pack.manifest;
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
  const packWarnings = manifest && d.provider && d.gpuMemory
    ? await preflightPack(manifest, config.width, config.height, { provider: d.provider, gpuMemory: d.gpuMemory })
    : [];

  const csv = await readCsvFile(input.csvPath, {
    usesTemplate: Boolean(input.template),
    ...(input.promptColumn ? { promptColumn: input.promptColumn } : {}),
    sourceName: input.csvName,
  });
  if (input.strict && csv.errors.length > 0) throw badRows(input.csvName, csv.errors);
  const embedder = await d.embedder();
  const { profile, reused } = await resolveProfile(d, input, embedder);
  const built = buildPrompts(csv, { config, template: input.template, limits, style: { keywords: styleKeywords(profile) } });
  const bad = [...csv.errors, ...built.errors];
  if (input.strict && bad.length > 0) throw badRows(input.csvName, bad);
  if (built.prompts.length === 0) {
    const why = bad.slice(0, 5).map((e) => e.message).join('; ');
    throw new AppError('BadInput', `no usable rows in ${input.csvName}${why ? `: ${why}` : ''}`);
  }
  const batchId = randomUUID();
  const prompts = config.polish ? await polish(d, built.prompts, config.polishModel, batchId) : built.prompts;

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
    runKey: input.runKey ?? null,
    start: input.start,
    tasks: prompts.map((p) => ({
      ...promptToTask(p),
      preflightConfidence: byRow.get(p.row)?.confidence ?? null,
      held: byRow.get(p.row)?.held ?? false,
    })),
  });
  if (profile.id) recordBatchProfile(d.db, batch.id, { id: profile.id, version: profile.version });
  const taskIdByRow = new Map(engine.listTasks({ batchId: batch.id }).map((t) => [t.rowIndex, t.id]));
  const deltas = pre.rows.flatMap((r) => (r.delta ? [r.delta] : []));
  if (deltas.length) saveDeltaReports(d.db, batch.id, deltas, taskIdByRow);
  d.onDeltas?.(batch.id);
  engine.poke();

  const skippedRows = new Set(bad.map((e) => e.row).filter((r): r is number => r !== null)).size;
  return {
    batchId: batch.id,
    tasks: prompts.length,
    skippedRows,
    held: pre.rows.filter((r) => r.held).length,
    lowConfidence: pre.rows.filter((r) => r.low).length,
    skipped: bad.map((i) => ({ row: i.row, column: i.column, ...(i.value != null ? { value: i.value } : {}), message: i.message })),
    reusedProfile: reused,
    warnings: [...packWarnings, ...[...csv.warnings, ...built.warnings].map((w) => w.message)].concat(pre.available ? [] : [pre.reason ?? 'pre-flight unavailable']),
  };
}

/** "row 4, column size: …" for every bad row: the refusal of `run --strict`. */
function badRows(csvName: string, issues: readonly { row: number | null; column: string | null; message: string }[]): AppError {
  const lines = issues.slice(0, 20).map((i) => `${i.row !== null ? `row ${i.row}` : 'file'}${i.column ? `, column ${i.column}` : ''}: ${i.message}`);
  const more = issues.length > 20 ? `\n… and ${issues.length - 20} more` : '';
  return new AppError('BadInput', `${csvName} has ${issues.length} bad row(s); --strict refuses the batch:\n${lines.join('\n')}${more}`, {
    issues: issues.map((i) => ({ row: i.row, column: i.column, message: i.message })),
  });
}

/** A saved profile, a profile already built from the same reference files (reused), or a new one. */
async function resolveProfile(d: CreateBatchDeps, input: CreateBatchInput, embedder: Embedder | null): Promise<{ profile: StyleProfile; reused: boolean }> {
  if (input.profileId) return { profile: getProfile(d.db, input.profileId), reused: false };
  if (input.refPaths.length === 0) throw new AppError('BadInput', 'add 1–5 reference images or choose a saved style profile');
  const key = refsKey(input.refPaths.map((p) => readFileSync(p)));
  const known = findProfileByRefs(d.db, key);
  if (known) return { profile: known, reused: true };
  const profile = await createProfile(d.db, d.dataDir, input.refPaths, { name: `${input.name} style`, embedder });
  if (profile.id) recordProfileRefs(d.db, key, profile.id);
  return { profile, reused: false };
}

async function polish(d: CreateBatchDeps, prompts: BuiltPrompt[], model: string, batchId: string): Promise<BuiltPrompt[]> {
  const apiKey = await d.claudeKey();
  if (!apiKey) throw new AppError('BadInput', 'prompt polish is on but no Claude API key is stored: add one in Settings, or turn polish off');
  const client = createClaudeClient({ apiKey, ...(process.env['ASSETQL_ANTHROPIC_BASE_URL'] ? { baseURL: process.env['ASSETQL_ANTHROPIC_BASE_URL'] } : {}) });
  const summary = await polishPrompts(prompts.map((p) => ({ row: p.row, prompt: p.prompt, lockedTerms: p.lockedTerms })), { client, model, db: d.db, batchId });
  const byRow = new Map(summary.results.map((r) => [r.row, r.prompt]));
  return prompts.map((p) => ({ ...p, prompt: byRow.get(p.row) ?? p.prompt }));
}
