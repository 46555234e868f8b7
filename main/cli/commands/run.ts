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
import { WorkerPool } from '../../inference/worker-pool.ts';
import { loadReferenceDir } from '../../intake/references/load-references.ts';
import { createPipeline, type BatchSummary, type PipelineEngine } from '../../pipeline/engine.ts';
import { missingPacksMessage } from '../../pipeline/headless/missing-packs.ts';
import { progressLine, runExitCode, summaryTable } from '../../pipeline/headless/progress-view.ts';
import { computeRunKey, fileSha256 } from '../../pipeline/headless/run-key.ts';
import { findBatchByRunKey, requireBatch } from '../../pipeline/ledger-api.ts';
import { createBatchFromCsv } from '../../runtime/create-batch.ts';
import { readCsvFile } from '../../intake/csv/parse-csv.ts';
import { BatchConfigSchema, ThresholdsSchema, statusInfo, type BatchConfigInput } from '../../../preload/api.ts';
import { createRealStages, type RealStages } from '../../pipeline/wiring.ts';
import { packDirForLoras, parseLoraFlags } from '../../style-weights/batch-pack.ts';
import { startCoordinator, type Coordinator } from '../../distributed/coordinator.ts';
import { loadDistributedConfig } from '../../distributed/distributed-config.ts';
import type { CliIo, Command } from '../command.ts';
import { writeTerminalControl } from '../terminal-text.ts';
import { writeCommandError } from '../command-error.ts';

const USAGE = `assetql run <csv> --refs <dir> [options]

Runs a whole batch headless: one image per CSV row, scored against the style references,
retried with escalation, failures parked for review. Ctrl-C pauses cleanly; running the same
command again (same CSV, refs, options and data folder) resumes the same batch.

  --refs <dir>          1–5 style reference images (png, jpg, webp)
  --pack <dir or id>    SDXL pack: a folder (e.g. from create-test-pack) or an installed pack's id
                        (\`assetql models list\`, including imported checkpoints)
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

  --candidates N        best of N: N seeds per row, the best passing image is kept (1–8, default 1)
  --strict              refuse the batch when any CSV row is bad (default: skip and report them)

Bad CSV rows are skipped and reported on stderr by row and column ("skipped row 4, column size: …");
the good rows run. An engine-level problem (a model file missing or corrupt, a stage that cannot
be built) pauses the batch with the reason on stderr; fix it and run the same command to resume.

Exit code: 0 when every row ended Ready, Needs review or On hold; 1 when some rows ended otherwise
(Rejected, Dropped, Cancelled, unfinished); 2 for bad input (nothing ran; also --strict with bad rows);
3 when the engine paused the batch (reason on stderr); 4 when the batch finished but bad CSV
rows were skipped; 130 after Ctrl-C (paused; run again to resume).`;

/** Exit codes beyond 0/1/2/130 (documented in USAGE). */
const EXIT_ENGINE_PAUSED = 3;
const EXIT_ROWS_SKIPPED = 4;

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
  candidates?: string;
  strict?: boolean;
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
          candidates: { type: 'string' },
          strict: { type: 'boolean' },
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
    let skipped = 0;
    try {
      const csvArg = positionals[0];
      if (!csvArg) throw new AppError('BadInput', 'missing <csv>: the CSV file with one row per image');
      if (!values.refs) throw new AppError('BadInput', 'missing --refs <dir>: a folder with 1–5 style reference images');
      const csvPath = resolve(io.cwd, csvArg);
      const refsDir = resolve(io.cwd, values.refs);
      ctx = openAppContext(values['data-dir'] ? resolve(io.cwd, values['data-dir']) : undefined, { writer: 'assetql run' });
      const basePackDir = values.pack ? packArgDir(ctx, io.cwd, values.pack) : installedSdxlPack(ctx);
      if (!basePackDir) {
        io.stderr.write(missingPacksMessage());
        return 2;
      }
      const basePackId = readPackManifest(basePackDir).id;
      const loras = parseLoraFlags(values.lora ?? []);
      const clipPackDir = values['clip-pack'] ? resolve(io.cwd, values['clip-pack']) : null;
      const overrides = parseOverrides(values);

      const [csvSha, refs] = await Promise.all([fileSha256(csvPath).catch(() => notFound(csvPath, 'CSV file')), loadReferenceDir(refsDir)]);
      if (refs.errors.length > 0) throw new AppError('BadInput', refs.errors.map((e) => `${e.file}: ${e.message}`).join('; '), { dir: refsDir });
      for (const w of refs.warnings) io.stderr.write(`warning: ${w.file}: ${w.message}\n`);
      // A CSV that cannot make a batch (no prompt column and no template, not a CSV) is refused
      // before the seconds a LoRA bake, provider probing and loading the pack take. The same
      // parser reads it again when the batch is created.
      await readCsvFile(csvPath, { usesTemplate: Boolean(values.template), sourceName: basename(csvPath) });
      const packDir = await packDirForLoras(ctx.db, ctx.dataDir, { id: basePackId, dir: basePackDir }, loras);
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
          local: values['workers-only'] || !dist.generateLocally ? null : { pool, packDirs: [basePackDir], provider: providers[0] ?? 'cpu', clipPackDirs: clipPackDir ? [clipPackDir] : [], dataDir: ctx.dataDir },
          log: (line) => note(io, json, { event: 'coordinator', message: line }, line),
        });
        note(io, json, { event: 'coordinator', redis: coordinator.check }, `Coordinating workers over Redis ${coordinator.check.version}${coordinator.local ? ' (this machine generates too)' : ''}`);
        // Queues name the BASE pack and the LoRAs by content: workers bake the same variant.
        engine = createPipeline({ db: ctx.db, stages: coordinator.wrap(stages.resolve, { packDirFor: () => basePackDir, clipPackDir, dataDir: ctx.dataDir }), config: coordinator.engineConfig });
        coordinator.attach(engine);
      } else engine = createPipeline({ db: ctx.db, stages: stages.resolve });
      await engine.start();

      let batch = findBatchByRunKey(ctx.db, runKey);
      if (batch) {
        note(io, json, { event: 'resume', batchId: batch.id, state: batch.state }, `Resuming batch ${batch.name} (${batch.id}), ${batch.state}`);
        if (batch.state === 'paused' || batch.state === 'draft') engine.resumeBatch(batch.id);
      } else {
        const manifest = stages.sdxl.manifest;
        const real = stages;
        // The same front door as the New batch screen and the hot folder (runtime/create-batch.ts).
        const created = await createBatchFromCsv(
          {
            db: ctx.db,
            dataDir: ctx.dataDir,
            resolvePack: () => ({ id: basePackId, manifest }),
            embedder: async () => real.embedder,
            claudeKey: async () => null,
          },
          engine,
          {
            name: values.name ?? basename(csvPath),
            csvPath,
            csvName: basename(csvPath),
            promptColumn: null,
            template: values.template ?? null,
            negativePrompt: '',
            style: { colours: 'on', lighting: 'on', composition: 'on', medium: 'on' },
            profileId: null,
            refPaths: refs.references.map((r) => r.file),
            config: { ...configInput(overrides), ...(loras.length ? { loras } : {}) },
            source: 'cli',
            start: true,
            strict: values.strict === true,
            runKey,
          },
        );
        skipped = created.skipped.length;
        for (const i of created.skipped) {
          const where = `${i.row !== null ? `row ${i.row}` : 'file'}${i.column ? `, column ${i.column}` : ''}`;
          if (json) io.stdout.write(`${JSON.stringify({ event: 'skipped', row: i.row, column: i.column, message: i.message })}\n`);
          else io.stderr.write(`skipped ${where}: ${i.message}\n`);
        }
        for (const w of created.warnings) io.stderr.write(`warning: ${w}\n`);
        batch = requireBatch(ctx.db, created.batchId);
        const rows = created.tasks;
        note(io, json, { event: 'start', batchId: batch.id, rows, skipped: created.skipped.length, reusedProfile: created.reusedProfile, pack: manifest.id, testPack: manifest.testPack }, `Batch ${batch.name} (${batch.id}): ${rows} rows on ${manifest.id}${manifest.testPack ? ' (test pack: images are noise)' : ''}${created.skipped.length ? `; ${created.skipped.length} bad row(s) skipped` : ''}${created.reusedProfile ? '; reusing the style profile built from these references' : ''}`);
      }

      const summary = await followBatch(engine, batch.id, io, json);
      await engine.stop();
      engine = undefined;
      if (summary.batch.state === 'paused') {
        const why = summary.batch.pauseReason;
        // Paused by the engine (a model file is missing, a stage could not be built): say why, exit 3.
        if (why) io.stderr.write(`assetql run: batch paused: ${why}\nRun the same command again to resume once it is fixed.\n`);
        note(io, json, { event: 'paused', batchId: batch.id, reason: why }, '\nPaused. Run the same command again to resume.');
        if (!json) io.stdout.write(`${summaryTable(summary)}\n`);
        return why ? EXIT_ENGINE_PAUSED : 130;
      }
      if (json) io.stdout.write(`${JSON.stringify({ event: 'summary', batchId: batch.id, state: summary.batch.state, retried: summary.retried, skipped, counts: summary.counts, metrics: summary.metrics })}\n`);
      else io.stdout.write(`\n${summaryTable(summary)}${skipped ? `\n  skipped CSV rows  ${skipped}` : ''}\n`);
      const code = runExitCode(summary);
      return code === 0 && skipped > 0 ? EXIT_ROWS_SKIPPED : code;
    } catch (err) {
      const e = toErrorData(err);
      if (json) io.stdout.write(`${JSON.stringify({ event: 'error', error: e })}\n`);
      writeCommandError(io, `assetql run`, err);
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
  let rejectFault: (e: AppError) => void = () => undefined;
  const fault = new Promise<never>((_, reject) => (rejectFault = reject));
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
      else if (!json && e.to === 'dlq') io.stderr.write(`${tty ? '\n' : ''}row ${e.rowIndex} → ${statusInfo('review').label}: ${e.reason ?? ''}\n`);
    }),
    engine.on('alert', (a) => {
      if (json) io.stdout.write(`${JSON.stringify({ event: 'alert', ...a })}\n`);
      else io.stderr.write(`${tty ? '\n' : ''}alert: ${a.message}\n`);
    }),
    // Engine-level problems always reach stderr (also in --json mode, where stdout stays JSON lines).
    engine.on('engine-error', (e) => {
      if (e.batchId && e.batchId !== batchId) return;
      if (e.fault) {
        // Disk full / read-only / permission: nothing progresses until the machine is fixed, so
        // the run stops with that one sentence (finished rows are kept; the same command resumes).
        const sentence = e.message.replace(/^[a-z-]+ loop: /, '');
        rejectFault(new AppError('Unavailable', sentence, { fault: e.fault }));
        return;
      }
      if (json) io.stdout.write(`${JSON.stringify({ event: 'engine-error', ...e })}\n`);
      io.stderr.write(`${tty ? '\n' : ''}engine error: ${e.message}\n`);
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
    return await Promise.race([engine.waitForBatch(batchId), fault]);
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

/** --pack: a folder when one exists at that path, else an installed pack's id (imported checkpoints included). */
function packArgDir(ctx: AppContext, cwd: string, arg: string): string {
  const dir = resolve(cwd, arg);
  if (existsSync(dir)) return dir;
  const p = findInstalledPack(ctx.db, ctx.dataDir, arg);
  if (p?.state === 'ok') return p.dir;
  throw new AppError('BadInput', `--pack ${arg}: no folder at ${dir} and no installed pack with that id (see \`assetql models list\`)`);
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
  candidates?: number;
}

/**
 * The flags as BatchConfig fields, each checked by the one shared schema (preload/api.ts
 * BatchConfigSchema: the same limits as the New batch screen and the hot-folder sidecar).
 */
function parseOverrides(v: Flags): Overrides {
  const o: Overrides = {};
  const shape = BatchConfigSchema.shape;
  const check = <T>(flag: string, raw: string, schema: { safeParse(x: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } } }, value: unknown): T => {
    const r = schema.safeParse(value);
    if (!r.success) throw new AppError('BadInput', `--${flag}: ${r.error.issues[0]?.message ?? 'invalid'} (got "${raw}")`);
    return r.data;
  };
  if (v.steps !== undefined) o.steps = check('steps', v.steps, shape.steps.unwrap(), Number(v.steps));
  if (v.size !== undefined) {
    const m = /^(\d+)x(\d+)$/i.exec(v.size);
    if (!m) throw new AppError('BadInput', `--size must look like 1024x1024 (got "${v.size}")`);
    o.size = { width: check('size', v.size, shape.width.unwrap(), Number(m[1])), height: check('size', v.size, shape.height.unwrap(), Number(m[2])) };
  }
  if (v.threshold !== undefined) o.threshold = check('threshold', v.threshold, ThresholdsSchema.shape.style.unwrap(), Number(v.threshold));
  if (v.retries !== undefined) o.retries = check('retries', v.retries, shape.retries.unwrap(), Number(v.retries));
  if (v.candidates !== undefined) o.candidates = check('candidates', v.candidates, shape.candidates.unwrap(), Number(v.candidates));
  return o;
}

function configInput(o: Overrides): BatchConfigInput {
  return {
    ...(o.size ? o.size : {}),
    ...(o.steps !== undefined ? { steps: o.steps } : {}),
    ...(o.retries !== undefined ? { retries: o.retries } : {}),
    ...(o.candidates !== undefined ? { candidates: o.candidates } : {}),
    ...(o.threshold !== undefined ? { thresholds: { style: o.threshold } } : {}),
  };
}

function note(io: CliIo, json: boolean, data: Record<string, unknown>, text: string): void {
  io.stdout.write(json ? `${JSON.stringify(data)}\n` : `${text}\n`);
}

function notFound(path: string, what: string): never {
  throw new AppError('NotFound', `${what} not found: ${path}`, { file: path });
}
