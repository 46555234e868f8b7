import type { CsvIssue as CsvIssueDto, PromptPlan, RefImageReport } from '../../../preload/api.ts';
import type { AppServices } from '../app-services.ts';
import type { PipelineEngine } from '../../pipeline/engine.ts';
import { AppError } from '../../core/app-error.ts';
import { getUpload } from '../../uploads/upload-store.ts';
import { readCsvFile } from '../../intake/csv/parse-csv.ts';
import type { CsvIssue } from '../../intake/csv/types.ts';
import { loadReferences } from '../../intake/references/load-references.ts';
import { parseBatchConfig } from '../../intake/config/batch-config.ts';
import { packLimits } from '../../intake/config/pack-limits.ts';
import { previewPrompts } from '../../intake/template/build-prompts.ts';
import { preflight } from '../../intake/preflight/preflight.ts';
import { preflightStyleFromProfile } from '../../intake/style-from-profile.ts';
import { listDeltaReports } from '../../intake/preflight/delta-repo.ts';
import { actor } from '../../core/actor.ts';
import { buildProfile } from '../../dna/build-profile.ts';
import { getProfile } from '../../dna/profile-repo.ts';
import { styleKeywords } from '../../dna/style-keywords.ts';
import { decodeInWorker as decodeImage } from '../../inference/cpu-jobs.ts';
import type { StyleProfile } from '../../dna/style-profile.ts';
import type { SdxlManifest } from '../../../models/manifest.ts';
import { appBatchDeps, createBatchFromCsv } from '../../runtime/create-batch.ts';
import { loadSettings } from '../../settings/app-settings.ts';

const issue = (i: CsvIssue): CsvIssueDto => ({ row: i.row, column: i.column, ...(i.value != null ? { value: i.value } : {}), message: i.message });

export function registerIntakeHandlers(s: AppServices, engine: PipelineEngine): void {
  const lib = s.app.dataDir.library;
  // Preview builds a throwaway profile from uploads; cache it so typing in the template editor
  // does not re-analyse the same references on every keystroke.
  const previewProfiles = new Map<string, Promise<StyleProfile>>();

  s.registry.handle('intake.parseCsv', async ({ uploadId }) => {
    const up = getUpload(lib, uploadId);
    const csv = await readCsvFile(up.path, { usesTemplate: true, sourceName: up.name });
    const duplicates = csv.warnings.flatMap((w) => {
      const m = /^row (\d+) duplicates row (\d+)/.exec(w.message);
      return m ? [{ row: Number(m[1]), duplicateOf: Number(m[2]) }] : [];
    });
    return {
      uploadId, encoding: csv.encoding, delimiter: csv.delimiter === '\t' ? 'tab' : csv.delimiter, columns: csv.columns,
      rowCount: csv.rows.length, sample: csv.rows.slice(0, 20).map((r) => r.cells),
      errors: csv.errors.map(issue), warnings: csv.warnings.map(issue), duplicates, suggestedPromptColumn: csv.promptColumn,
    };
  });

  s.registry.handle('intake.checkRefs', async ({ uploadIds }) => {
    const ups = uploadIds.map((u) => getUpload(lib, u));
    const result = await loadReferences(ups.map((u) => u.path));
    return ups.map((u): RefImageReport => {
      const ok = result.references.find((r) => r.file === u.path);
      const err = result.errors.find((e) => e.file === u.path);
      const warn = result.warnings.find((w) => w.file === u.path);
      const dup = warn && /duplicate/.test(warn.message);
      return {
        uploadId: u.uploadId, name: u.name, width: ok?.width ?? 0, height: ok?.height ?? 0, ok: Boolean(ok) && !err,
        ...(err ? { problem: err.message } : warn ? { problem: warn.message } : {}),
        ...(dup ? { duplicateOf: warn.message } : {}),
      };
    });
  });

  const planProfile = async (plan: PromptPlan): Promise<StyleProfile | null> => {
    if (plan.profileId) return getProfile(s.app.db, plan.profileId);
    if (plan.refUploadIds.length === 0) return null;
    const key = plan.refUploadIds.join(',');
    let p = previewProfiles.get(key);
    if (!p) {
      p = (async () => {
        const embedder = await s.inference.embedder().catch(() => null);
        const images = await Promise.all(plan.refUploadIds.map(async (u) => {
          const up = getUpload(lib, u);
          return { name: up.name, image: await decodeImage(up.path, { name: up.name }) };
        }));
        return buildProfile(images, { embedder, name: 'preview' });
      })();
      p.catch(() => previewProfiles.delete(key));
      previewProfiles.set(key, p);
    }
    return p;
  };

  s.registry.handle('intake.preview', async ({ plan, limit }) => {
    const up = getUpload(lib, plan.csvUploadId);
    const csv = await readCsvFile(up.path, { usesTemplate: Boolean(plan.template), ...(plan.promptColumn ? { promptColumn: plan.promptColumn } : {}), sourceName: up.name });
    const profile = await planProfile(plan);
    const settings = loadSettings(s.app.db);
    let pack = null;
    try {
      pack = s.inference.resolveSdxlPack(null);
    } catch {
      // No pack yet: preview with SDXL's defaults; the batch itself will say what is missing.
    }
    const limits = packLimits(pack?.manifest?.kind === 'sdxl' ? (pack.manifest as SdxlManifest) : null);
    const config = parseBatchConfig({ packId: pack?.id ?? 'sdxl-base-1.0', negativePrompt: plan.negativePrompt, thresholds: settings.thresholds,
      style: Object.fromEntries(Object.entries(plan.style).map(([k, v]) => [k, { mode: v === 'on' ? 'include' : v === 'off' ? 'drop' : 'lock' }])) }, limits);
    const built = previewPrompts(csv, { config, template: plan.template, limits, ...(profile ? { style: { keywords: styleKeywords(profile) } } : {}) }, limit);
    const embedder = await s.inference.embedder().catch(() => null);
    const pre = profile
      ? await preflight(built.prompts, preflightStyleFromProfile(profile, embedder), embedder, { threshold: settings.thresholds.preflight })
      : null;
    const byRow = new Map((pre?.rows ?? []).map((r) => [r.row, r]));
    return {
      prompts: built.prompts.map((p) => ({
        row: p.row, name: p.name, prompt: p.prompt, negativePrompt: p.negativePrompt,
        confidence: byRow.get(p.row)?.confidence ?? null, lowConfidence: byRow.get(p.row)?.low ?? false,
      })),
      errors: [...csv.errors, ...built.errors].map(issue),
      preflightAvailable: Boolean(pre?.available),
      preflightNote: !profile ? 'add reference images to see pre-flight confidence' : pre?.available ? null : (pre?.reason ?? null),
    };
  });

  s.registry.handle('batches.create', async ({ name, plan, config, strict }) => {
    const up = getUpload(lib, plan.csvUploadId);
    const r = await createBatchFromCsv(appBatchDeps(s), engine, {
      name, csvPath: up.path, csvName: up.name, promptColumn: plan.promptColumn, template: plan.template,
      negativePrompt: plan.negativePrompt, style: plan.style, profileId: plan.profileId,
      refPaths: plan.refUploadIds.map((u) => getUpload(lib, u).path), config, source: 'ui', start: true, strict,
    });
    return { batchId: r.batchId, tasks: r.tasks, skippedRows: r.skippedRows, held: r.held, skipped: r.skipped, reusedProfile: r.reusedProfile };
  });

  s.registry.handle('delta.list', ({ batchId, status }) => {
    const batches = batchId ? [batchId] : engine.listBatches().map((b) => b.id);
    return batches.flatMap((b) =>
      listDeltaReports(s.app.db, b, status === 'open' ? 'open' : undefined).map((d) => ({
        id: d.id, batchId: d.batchId, taskId: d.taskId, row: d.row, prompt: d.prompt, confidence: d.confidence,
        missing: d.missing.map((m) => ({ attribute: m.attribute, expected: m.expected.join(', '), why: m.why })),
        suggestion: d.suggestion, expectedGain: d.expectedGain, status: d.status,
      })),
    );
  });

  s.registry.handle('delta.resolve', ({ id, action, prompt }, ctx) => {
    // The ledger re-plans (accept/edit) or releases (dismiss) the row and records the decision.
    const row = engine.resolveDelta(id, action, { ...(prompt !== undefined ? { prompt } : {}), by: actor(ctx.transport) });
    s.bus.emit('delta.updated', { batchId: row.batchId });
    const d = listDeltaReports(s.app.db, row.batchId).find((x) => x.id === id);
    if (!d) throw new AppError('NotFound', `delta report ${id} not found`);
    return {
      id: d.id, batchId: d.batchId, taskId: d.taskId, row: d.row, prompt: d.prompt, confidence: d.confidence,
      missing: d.missing.map((m) => ({ attribute: m.attribute, expected: m.expected.join(', '), why: m.why })),
      suggestion: d.suggestion, expectedGain: d.expectedGain, status: d.status,
    };
  });
}
