import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCatalog } from '../../../models/catalog.ts';
import { findInstalledPack, readPackManifest } from '../../../models/pack-store.ts';
import type { PackProvider } from '../../../models/manifest.ts';
import { preflightPack } from '../../../models/pack-preflight.ts';
import { detectGpuMemory } from '../../gpu-runtime/gpu-memory.ts';
import { resolveProviders, type ProviderName } from '../../../workers/onnx/provider-types.ts';
import { detectProvidersInWorker } from '../../inference/cpu-jobs.ts';
import { AppError, toErrorData } from '../../core/app-error.ts';
import { openAppContext, type AppContext } from '../../core/app-context.ts';
import { createProfile } from '../../dna/profile-repo.ts';
import { styleKeywords } from '../../dna/style-keywords.ts';
import { WorkerPool } from '../../inference/worker-pool.ts';
import { parseBatchConfig } from '../../intake/config/batch-config.ts';
import { packLimits } from '../../intake/config/pack-limits.ts';
import { readCsvFile } from '../../intake/csv/parse-csv.ts';
import { loadReferenceDir } from '../../intake/references/load-references.ts';
import { buildPrompts, promptToTask } from '../../intake/template/build-prompts.ts';
import { createPipeline, type BatchSummary, type PipelineEngine } from '../../pipeline/engine.ts';
import { missingPacksMessage } from '../../pipeline/headless/missing-packs.ts';
import { progressLine, runExitCode, summaryTable } from '../../pipeline/headless/progress-view.ts';
import { computeRunKey, fileSha256 } from '../../pipeline/headless/run-key.ts';
import { findBatchByRunKey } from '../../pipeline/ledger-api.ts';
import { createRealStages, type RealStages } from '../../pipeline/wiring.ts';
import { packDirForLoras, parseLoraFlags } from '../../style-weights/batch-pack.ts';
import { startCoordinator, type Coordinator } from '../../distributed/coordinator.ts';
import { loadDistributedConfig } from '../../distributed/distributed-config.ts';
import type { CliIo, Command } from '../command.ts';
import { writeTerminalControl } from '../terminal-text.ts';

const USAGE = `assetql run <csv> --refs <dir> [options]

Runs a whole batch headless: one image per CSV row, scored against the style references,
retried with escalation, failures parked for review. Ctrl-C pauses cleanly; running the same
command again (same CSV, refs, options and data folder) resumes the same batch.

  --refs <dir>          1–5 style reference images (png, jpg, webp)
  --pack <dir>          SDXL pack folder (any pack, including one from create-test-pack)
  --clip-pack <dir>     CLIP pack folder (CLIP similarity, search embeddings, tags)
  --template "<text>"   prompt template over the CSV columns, e.g. "{product} on a table"
  --template-file <f>   read the template from a file
  --steps N             denoising steps        --size WxH      image size
  --threshold X         style score to pass (0–1, default 0.85)
  --retries N           style retries before review (default 3)
  --name <text>         batch name (default: the CSV file name)
  --lora <name:scale>   bake an imported LoRA into the pack (repeatable; see \`assetql models lora list\`)
  --data-dir <dir>      data folder            --json          JSON lines instead of a progress bar
  --redis <url>         coordinate workers over Redis (redis:// or rediss://; needs --store)
  --store <url>         object store the workers upload to (http(s)://KEY:SECRET@host/bucket or s3://…)
  --workers-only        with --redis: do not generate on this machine, only on workers
  (without the flags, Settings → Distributed applies when it is enabled)

Exit code: 0 when every row ended passed or in review; 1 otherwise; 2 for bad input; 130 after Ctrl-C.`;

interface Flags {
  refs?: string;
  pack?: string;
  'clip-pack'?: string;
  template?: string;
  'template-file'?: string;
  steps?: string;
  size?: string;
  threshold?: string;
  retries?: string;
  name?: string;
  lora?: string[];
  'data-dir'?: string;
  json?: boolean;
  help?: boolean;
  redis?: string;
  store?: string;
  'workers-only'?: boolean;
}

export const runCommand: Command = {
  name: 'run',
  summary: 'run a whole batch headless (CSV + style references → verified assets)',
  usage: USAGE,
  async run(argv, io) {
    let parsed: { values: Flags; positionals: string[] };
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          refs: { type: 'string' },
          pack: { type: 'string' },
          'clip-pack': { type: 'string' },
          template: { type: 'string' },
          'template-file': { type: 'string' },
          steps: { type: 'string' },
          size: { type: 'string' },
          threshold: { type: 'string' },
          retries: { type: 'string' },
          name: { type: 'string' },
          lora: { type: 'string', multiple: true },
          'data-dir': { type: 'string' },
          json: { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
          redis: { type: 'string' },
          store: { type: 'string' },
          'workers-only': { type: 'boolean' },
        },
      }) as { values: Flags; positionals: string[] };
    } catch (err) {
      io.stderr.write(`assetql run: ${(err as Error).message}\n${USAGE}\n`);
      return 2;
    }
    const { values, positionals } = parsed;
    if (values['template-file'] && !values.template) {
      const tf = resolve(io.cwd, values['template-file']);
      if (!existsSync(tf)) notFound(tf, 'template file');
      values.template = readFileSync(tf, 'utf8').trim();
    }
    if (values.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const json = values.json === true;
    let ctx: AppContext | undefined;
    let pool: WorkerPool | undefined;
    let stages: RealStages | undefined;
    let engine: PipelineEngine | undefined;
    let coordinator: Coordinator | undefined;
    try {
      const csvArg = positionals[0];
      if (!csvArg) throw new AppError('BadInput', 'missing <csv>: the CSV file with one row per image');
      if (!values.refs) throw new AppError('BadInput', 'missing --refs <dir>: a folder with 1–5 style reference images');
      const csvPath = resolve(io.cwd, csvArg);
      const refsDir = resolve(io.cwd, values.refs);
      ctx = openAppContext(values['data-dir'] ? resolve(io.cwd, values['data-dir']) : undefined, { writer: 'assetql run' });
      const basePackDir = values.pack ? resolve(io.cwd, values.pack) : installedSdxlPack(ctx);
      if (!basePackDir) {
        io.stderr.write(missingPacksMessage());
        return 2;
      }
      const basePackId = readPackManifest(basePackDir).id;
      const loras = parseLoraFlags(values.lora ?? []);
      const packDir = await packDirForLoras(ctx.db, ctx.dataDir, { id: basePackId, dir: basePackDir }, loras);
      const clipPackDir = values['clip-pack'] ? resolve(io.cwd, values['clip-pack']) : null;
      const overrides = parseOverrides(values);

      const [csvSha, refs] = await Promise.all([fileSha256(csvPath).catch(() => notFound(csvPath, 'CSV file')), loadReferenceDir(refsDir)]);
      if (refs.errors.length > 0) throw new AppError('BadInput', refs.errors.map((e) => `${e.file}: ${e.message}`).join('; '), { dir: refsDir });
      for (const w of refs.warnings) io.stderr.write(`warning: ${w.file}: ${w.message}\n`);
      const runKey = await computeRunKey(
        csvSha,
        refs.references.map((r) => r.file),
        { pack: basePackDir, clipPack: clipPackDir, template: values.template ?? null, ...overrides, ...(loras.length ? { loras } : {}) },
      );

      const providers = await pickProviders(io);
      // Refuses a pack this provider cannot run before anything is spent (issue 16).
      const packWarnings = await preflightPack(readPackManifest(packDir), overrides.size?.width, overrides.size?.height, {
        provider: async () => (providers[0] ?? 'cpu') as PackProvider,
        gpuMemory: async () => (await detectGpuMemory()).bytes,
      });
      for (const w of packWarnings) io.stderr.write(`warning: ${w}\n`);
      pool = new WorkerPool({ size: 1, providers });
      stages = await createRealStages({ db: ctx.db, dataDir: ctx.dataDir, pool, packDir, clipPackDir });
      const dist = await coordinatorConfig(ctx, values);
      if (dist) {
        coordinator = await startCoordinator({
          ...dist,
          db: ctx.db,
          local: values['workers-only'] || !dist.generateLocally ? null : { pool, packDirs: [packDir], provider: providers[0] ?? 'cpu' },
          log: (line) => note(io, json, { event: 'coordinator', message: line }, line),
        });
        note(io, json, { event: 'coordinator', redis: coordinator.check }, `Coordinating workers over Redis ${coordinator.check.version}${coordinator.local ? ' (this machine generates too)' : ''}`);
        engine = createPipeline({ db: ctx.db, stages: coordinator.wrap(stages.resolve, () => packDir), config: coordinator.engineConfig });
        coordinator.attach(engine);
      } else engine = createPipeline({ db: ctx.db, stages: stages.resolve });
      await engine.start();

      let batch = findBatchByRunKey(ctx.db, runKey);
      if (batch) {
        note(io, json, { event: 'resume', batchId: batch.id, state: batch.state }, `Resuming batch ${batch.name} (${batch.id}), ${batch.state}`);
        if (batch.state === 'paused' || batch.state === 'draft') engine.resumeBatch(batch.id);
      } else {
        const manifest = stages.sdxl.manifest;
        const limits = packLimits(manifest);
        const config = parseBatchConfig(
          {
            packId: basePackId,
            loras,
            ...(overrides.size ? overrides.size : {}),
            ...(overrides.steps !== undefined ? { steps: overrides.steps } : {}),
            ...(overrides.retries !== undefined ? { retries: overrides.retries } : {}),
            ...(overrides.threshold !== undefined ? { thresholds: { style: overrides.threshold } } : {}),
          },
          limits,
        );
        const csv = await readCsvFile(csvPath, { usesTemplate: Boolean(values.template), sourceName: basename(csvPath) });
        if (csv.errors.length > 0) throw new AppError('BadInput', csv.errors.map((e) => e.message).join('\n'), { file: csvPath });
        const profile = await createProfile(
          ctx.db,
          ctx.dataDir,
          refs.references.map((r) => ({ name: r.name, image: r.rgb })),
          { name: `${basename(refsDir)} (run)`, embedder: stages.embedder },
        );
        const built = buildPrompts(csv, { config, template: values.template ?? null, limits, style: { keywords: styleKeywords(profile) } });
        if (built.errors.length > 0) throw new AppError('BadInput', built.errors.map((e) => e.message).join('\n'), { file: csvPath });
        for (const w of [...csv.warnings, ...built.warnings]) io.stderr.write(`warning: ${w.message}\n`);
        batch = engine.createBatch({
          name: values.name ?? basename(csvPath),
          model: manifest.id,
          config: { ...config },
          template: values.template ?? null,
          profileId: profile.id,
          profileVersion: profile.version,
          csvName: basename(csvPath),
          csvSha256: csvSha,
          source: 'cli',
          runKey,
          start: true,
          tasks: built.prompts.map(promptToTask),
        });
        note(io, json, { event: 'start', batchId: batch.id, rows: built.prompts.length, pack: manifest.id, testPack: manifest.testPack }, `Batch ${batch.name} (${batch.id}): ${built.prompts.length} rows on ${manifest.id}${manifest.testPack ? ' (test pack: images are noise)' : ''}`);
      }

      const summary = await followBatch(engine, batch.id, io, json);
      await engine.stop();
      engine = undefined;
      if (summary.batch.state === 'paused') {
        note(io, json, { event: 'paused', batchId: batch.id }, '\nPaused. Run the same command again to resume.');
        if (!json) io.stdout.write(`${summaryTable(summary)}\n`);
        return 130;
      }
      if (json) io.stdout.write(`${JSON.stringify({ event: 'summary', batchId: batch.id, state: summary.batch.state, retried: summary.retried, metrics: summary.metrics })}\n`);
      else io.stdout.write(`\n${summaryTable(summary)}\n`);
      return runExitCode(summary);
    } catch (err) {
      const e = toErrorData(err);
      if (json) io.stdout.write(`${JSON.stringify({ event: 'error', error: e })}\n`);
      io.stderr.write(`assetql run: ${e.kind}: ${e.message}\n`);
      return e.kind === 'BadInput' || e.kind === 'NotFound' ? 2 : e.kind === 'Cancelled' ? 130 : 1;
    } finally {
      await engine?.stop().catch(() => undefined);
      await coordinator?.stop().catch(() => undefined);
      await stages?.dispose().catch(() => undefined);
      await pool?.close().catch(() => undefined);
      ctx?.close();
    }
  },
};

/** Streams progress until the batch settles; Ctrl-C pauses it (in-flight work re-queued, leases released). */
async function followBatch(engine: PipelineEngine, batchId: string, io: CliIo, json: boolean): Promise<BatchSummary> {
  const tty = !json && io.stdout.isTTY === true;
  let lastPlain = 0;
  const offs = [
    engine.on('batch-progress', (e) => {
      if (e.batchId !== batchId) return;
      if (json) io.stdout.write(`${JSON.stringify({ event: 'progress', ...e })}\n`);
      else if (tty) writeTerminalControl(io.stdout, `\r${progressLine(e, io.stdout.columns ?? 100)}\x1b[K`);
      else if (e.at - lastPlain >= 2000 || e.done === e.total) {
        lastPlain = e.at;
        io.stdout.write(`${progressLine(e)}\n`);
      }
    }),
    engine.on('task-state', (e) => {
      if (e.batchId !== batchId) return;
      if (json && (e.to === 'ready' || e.to === 'dlq' || e.to === 'retry')) io.stdout.write(`${JSON.stringify({ event: 'task', ...e })}\n`);
      else if (!json && e.to === 'dlq') io.stderr.write(`${tty ? '\n' : ''}row ${e.rowIndex} → review: ${e.reason ?? ''}\n`);
    }),
    engine.on('alert', (a) => {
      if (json) io.stdout.write(`${JSON.stringify({ event: 'alert', ...a })}\n`);
      else io.stderr.write(`${tty ? '\n' : ''}alert: ${a.message}\n`);
    }),
  ];
  const onSigint = () => {
    try {
      engine.pauseBatch(batchId);
    } catch {
      // already settled
    }
  };
  io.signal.addEventListener('abort', onSigint, { once: true });
  if (io.signal.aborted) onSigint();
  try {
    return await engine.waitForBatch(batchId);
  } finally {
    io.signal.removeEventListener('abort', onSigint);
    for (const off of offs) off();
  }
}

/** --redis/--store flags, else Settings → Distributed when enabled; null runs locally as before. */
async function coordinatorConfig(ctx: AppContext, v: Flags): Promise<{ redisUrl: string; storeUrl: string; generateLocally: boolean; maxInFlight: number } | null> {
  if (v.redis || v.store) {
    if (!v.redis || !v.store) throw new AppError('BadInput', '--redis and --store go together: workers need both to take jobs and return images');
    const saved = await loadDistributedConfig(ctx.db, ctx.dataDir.root);
    return { redisUrl: v.redis, storeUrl: v.store, generateLocally: true, maxInFlight: saved.maxInFlight };
  }
  const c = await loadDistributedConfig(ctx.db, ctx.dataDir.root);
  return c.enabled && c.redisUrl && c.storeUrl ? c : null;
}

function installedSdxlPack(ctx: AppContext): string | null {
  let ids: string[] = [];
  try {
    ids = loadCatalog()
      .packs.filter((p) => p.kind === 'sdxl')
      .map((p) => p.id);
  } catch {
    return null;
  }
  for (const id of ids) {
    const p = findInstalledPack(ctx.db, ctx.dataDir, id);
    if (p?.state === 'ok') return p.dir;
  }
  return null;
}

async function pickProviders(io: CliIo): Promise<ProviderName[]> {
  const forced = io.env['ASSETQL_PROVIDERS'];
  if (forced) return forced.split(',').map((s) => s.trim()) as ProviderName[];
  const r = resolveProviders((await detectProvidersInWorker()).statuses);
  if (r.fallbackReason) io.stderr.write(`note: ${r.fallbackReason}\n`);
  return r.chosen;
}

interface Overrides {
  steps?: number;
  size?: { width: number; height: number };
  threshold?: number;
  retries?: number;
}

function parseOverrides(v: Flags): Overrides {
  const o: Overrides = {};
  if (v.steps !== undefined) {
    const n = Number(v.steps);
    if (!Number.isInteger(n) || n < 1) throw new AppError('BadInput', `--steps must be a whole number ≥ 1 (got "${v.steps}")`);
    o.steps = n;
  }
  if (v.size !== undefined) {
    const m = /^(\d+)x(\d+)$/i.exec(v.size);
    if (!m) throw new AppError('BadInput', `--size must look like 1024x1024 (got "${v.size}")`);
    o.size = { width: Number(m[1]), height: Number(m[2]) };
  }
  if (v.threshold !== undefined) {
    const x = Number(v.threshold);
    if (!(x >= 0 && x <= 1)) throw new AppError('BadInput', `--threshold must be between 0 and 1 (got "${v.threshold}")`);
    o.threshold = x;
  }
  if (v.retries !== undefined) {
    const n = Number(v.retries);
    if (!Number.isInteger(n) || n < 0 || n > 10) throw new AppError('BadInput', `--retries must be 0–10 (got "${v.retries}")`);
    o.retries = n;
  }
  return o;
}

function note(io: CliIo, json: boolean, data: Record<string, unknown>, text: string): void {
  io.stdout.write(json ? `${JSON.stringify(data)}\n` : `${text}\n`);
}

function notFound(path: string, what: string): never {
  throw new AppError('NotFound', `${what} not found: ${path}`, { file: path });
}
