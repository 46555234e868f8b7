import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CliIo, Command } from '../command.ts';
import { openAppContext, type AppContext } from '../../core/app-context.ts';
import { AppError, toErrorData } from '../../core/app-error.ts';
import { findPack, loadCatalog, packDiskBytes, type Catalog } from '../../../models/catalog.ts';
import { downloadPack, formatBytes, formatDuration, type DownloadProgress } from '../../../models/downloader/index.ts';
import { defaultPackDir, listInstalledPacks, locatePack, readPackManifest, registerPack, verifyPack, type InstalledPack } from '../../../models/pack-store.ts';
import { createTestPack } from '../../../models/test-pack/create-test-pack.ts';
import { describeVerification } from '../../../models/verification-summary.ts';
import { convertedPackId, convertPackToFp16 } from '../../../models/convert/convert-pack.ts';
import type { PackProvider } from '../../../models/manifest.ts';
import { buildRecommendation } from '../../gpu-runtime/recommendation.ts';
import { resolveProviders } from '../../../workers/onnx/provider-types.ts';
import { detectProvidersInWorker } from '../../inference/cpu-jobs.ts';
import { escapeTerminalText, writeTerminalControl } from '../terminal-text.ts';
import { runModelsStyle } from './models-style.ts';
import { writeCommandError } from '../command-error.ts';

const USAGE = `assetql models <subcommand> [options]

  list                                  catalog packs and installed state (sizes, folders)
  download <id> [--dir <folder>]        download a pack (resumable; Ctrl-C keeps the partial files)
  verify [id]                           re-hash installed files against their sha256
  locate <id> <folder>                  register an existing pack folder after checking it
  convert --fp16 <id|folder> [--out <folder>] [--id <new id>]
                                        build the portable fp16 pack (DirectML, CoreML, WebGPU,
                                        CUDA) from an installed fp32 SDXL pack, on this machine
  recommend                             the SDXL pack to get for this machine's provider and GPU
  create-test-pack <folder> [--kind sdxl|clip|all]
                                        write tiny RANDOM-WEIGHT packs for smoke tests and demos
                                        (their images are noise)
  import <checkpoint.safetensors> --base <sdxl pack> [--name <name>]
                                        an SDXL checkpoint as a new pack on the base pack's graphs
  lora import <file.safetensors> [--name <name>] | lora list | lora remove <id or name>
  lora cache [--clear] [--limit <GB>]   packs with LoRAs baked in (size-limited, least recently used go first)
  ip-adapter install <adapter.safetensors> --base <sdxl pack> [--name <name>] [--head-dim 64]
                                        a new pack with the IP-Adapter's decoupled cross-attention

Options: --json (machine output), --data-dir <dir>, --catalog <file> (another catalog.json)`;

interface Flags {
  json?: boolean;
  'data-dir'?: string;
  catalog?: string;
  dir?: string;
  kind?: string;
  help?: boolean;
  fp16?: boolean;
  out?: string;
  id?: string;
}

export const modelsCommand: Command = {
  name: 'models',
  summary: 'List, download, verify and locate model packs; create random-weight test packs',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    // Checkpoints and LoRAs have their own flags (models-style.ts).
    if (argv[0] === 'import' || argv[0] === 'lora' || argv[0] === 'ip-adapter') return runModelsStyle(argv, io, USAGE);
    let values: Flags;
    let positionals: string[];
    try {
      ({ values, positionals } = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          json: { type: 'boolean' },
          'data-dir': { type: 'string' },
          catalog: { type: 'string' },
          dir: { type: 'string' },
          kind: { type: 'string' },
          fp16: { type: 'boolean' },
          out: { type: 'string' },
          id: { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
        strict: true,
      }));
    } catch (err) {
      io.stderr.write(`assetql models: ${(err as Error).message}\n${USAGE}\n`);
      return 2;
    }
    const [sub, ...args] = positionals;
    if (values.help || !sub) {
      (values.help ? io.stdout : io.stderr).write(`${USAGE}\n`);
      return values.help ? 0 : 2;
    }
    try {
      switch (sub) {
        case 'list':
          return await withCtx(values, (ctx) => list(ctx, loadCatalog(...catalogArg(values, io)), values, io));
        case 'download':
          return await withCtx(values, (ctx) => download(ctx, loadCatalog(...catalogArg(values, io)), need(args[0], 'pack id'), values, io));
        case 'verify':
          return await withCtx(values, (ctx) => verify(ctx, args[0], values, io));
        case 'locate':
          return await withCtx(values, (ctx) => locate(ctx, need(args[0], 'pack id'), need(args[1], 'folder'), values, io));
        case 'convert':
          return await withCtx(values, (ctx) => convert(ctx, loadCatalog(...catalogArg(values, io)), need(args[0], 'fp32 pack id or folder'), values, io));
        case 'recommend':
          return await withCtx(values, (ctx) => recommend(ctx, loadCatalog(...catalogArg(values, io)), values, io));
        case 'create-test-pack':
          return await createTestPacks(resolve(io.cwd, need(args[0], 'folder')), values, io);
        default:
          io.stderr.write(`assetql models: unknown subcommand "${sub}"\n${USAGE}\n`);
          return 2;
      }
    } catch (err) {
      const e = toErrorData(err);
      if (values.json) io.stdout.write(`${JSON.stringify({ ok: false, error: e })}\n`);
      writeCommandError(io, `assetql models ${sub}`, err);
      return e.kind === 'Cancelled' ? 130 : e.kind === 'BadInput' ? 2 : 1;
    }
  },
};

export default modelsCommand;

function need(v: string | undefined, what: string): string {
  if (!v) throw new AppError('BadInput', `missing ${what}; see \`assetql models --help\``);
  return v;
}

function catalogArg(values: Flags, io: CliIo): [] | [string] {
  return values.catalog ? [resolve(io.cwd, values.catalog)] : [];
}

async function withCtx(values: Flags, fn: (ctx: AppContext) => Promise<number>): Promise<number> {
  const ctx = openAppContext(values['data-dir']);
  try {
    return await fn(ctx);
  } finally {
    ctx.close();
  }
}

async function list(ctx: AppContext, catalog: Catalog, values: Flags, io: CliIo): Promise<number> {
  const installed = new Map(listInstalledPacks(ctx.db, ctx.dataDir).map((p) => [p.id, p]));
  const rows = catalog.packs.map((p) => {
    const inst = installed.get(p.id);
    installed.delete(p.id);
    return {
      id: p.id,
      name: p.name,
      kind: p.kind,
      role: p.role,
      model: p.model ?? null,
      variant: p.variant ?? null,
      providers: p.manifest.providers ?? ['cuda', 'dml', 'coreml', 'webgpu', 'cpu'],
      downloadBytes: packDiskBytes(catalog, p),
      sizeExact: !p.buildFrom && p.files.every((f) => f.sizeExact),
      downloadable: p.downloadable,
      buildFrom: p.buildFrom ?? null,
      verification: inst?.manifest?.verification ?? null,
      state: inst?.state ?? 'not installed',
      dir: inst?.dir ?? null,
      installedBytes: inst?.bytes ?? 0,
      problem: inst?.problem ?? null,
    };
  });
  // Packs on disk that the catalog does not know (test packs, custom exports).
  const extra = [...installed.values()].map((p) => ({ id: p.id, kind: p.manifest?.kind ?? null, state: p.state, dir: p.dir, installedBytes: p.bytes, testPack: p.testPack, problem: p.problem ?? null }));
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ packs: rows, other: extra }, null, 2)}\n`);
    return 0;
  }
  io.stdout.write('Catalog\n');
  for (const r of rows) {
    const size = `${r.sizeExact ? '' : '~'}${formatBytes(r.downloadBytes)}`;
    const how = r.downloadable ? '' : r.buildFrom ? ` [build: assetql models convert --fp16 ${r.buildFrom}]` : ' [locate only]';
    io.stdout.write(`  ${r.id.padEnd(22)} ${r.kind.padEnd(10)} ${size.padStart(10)}  ${r.state.padEnd(13)} ${r.name}${how}\n`);
    if (r.kind === 'sdxl') io.stdout.write(`  ${''.padEnd(22)} runs on: ${r.providers.join(', ')}\n`);
    if (r.verification) io.stdout.write(`  ${''.padEnd(22)} ${describeVerification(r.verification)}\n`);
    if (r.dir) io.stdout.write(`  ${''.padEnd(22)} ${r.dir}${r.problem ? ` — ${r.problem}` : ''}\n`);
  }
  if (extra.length) {
    io.stdout.write('Other installed packs\n');
    for (const p of extra) io.stdout.write(`  ${p.id.padEnd(22)} ${(p.kind ?? '?').padEnd(10)} ${formatBytes(p.installedBytes).padStart(10)}  ${p.state.padEnd(13)} ${p.dir}${p.testPack ? ' [test pack: random weights, images are noise]' : ''}\n`);
  }
  return 0;
}

async function download(ctx: AppContext, catalog: Catalog, id: string, values: Flags, io: CliIo): Promise<number> {
  const pack = findPack(catalog, id);
  const dir = values.dir ? resolve(io.cwd, values.dir) : defaultPackDir(ctx.dataDir, id);
  const tty = io.stdout.isTTY === true && !values.json;
  let lastLine = 0;
  const render = (p: DownloadProgress): void => {
    const pct = p.bytesTotal > 0 ? Math.min(100, (p.bytesDone / p.bytesTotal) * 100) : 0;
    const text = `${pct.toFixed(1).padStart(5)}%  ${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)}  ${formatBytes(p.rateBytesPerSec)}/s  ETA ${formatDuration(p.etaSeconds)}  ${p.file ?? ''}`;
    if (tty) {
      const width = Math.max(10, Math.min(40, (io.stdout.columns ?? 80) - text.length - 4));
      const filled = Math.round((pct / 100) * width);
      writeTerminalControl(io.stdout, `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${escapeTerminalText(text)}\x1b[K`);
    } else if (values.json) {
      io.stdout.write(`${JSON.stringify({ event: 'progress', ...p })}\n`);
    } else {
      // Non-TTY (logs, CI): a line at most every 2 s, plus file boundaries and the end.
      const now = Date.now();
      if (p.done || now - lastLine >= 2000 || p.bytesDone === 0) {
        lastLine = now;
        io.stdout.write(`${text}\n`);
      }
    }
  };
  if (!values.json) io.stdout.write(`Downloading ${pack.name} into ${dir}\n`);
  try {
    if (!pack.downloadable && pack.buildFrom) {
      throw new AppError('Unavailable', `pack ${id} is not published; build it from ${pack.buildFrom}: \`assetql models download ${pack.buildFrom}\` then \`assetql models convert --fp16 ${pack.buildFrom}\``, { packId: id });
    }
    const res = await downloadPack({
      pack, dir, signal: io.signal, onProgress: render, progressIntervalMs: tty ? 200 : 500,
      onNotice: (m) => io.stderr.write(`${tty ? '\n' : ''}Note: ${m}\n`),
    });
    if (tty) io.stdout.write('\n');
    registerPack(ctx.db, id, dir);
    const unverified = res.files.filter((f) => !f.verified).map((f) => f.path);
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ ok: true, id, dir, files: res.files })}\n`);
    } else {
      io.stdout.write(`Installed ${id} in ${dir} (${res.files.filter((f) => f.skipped).length} of ${res.files.length} files were already complete)\n`);
      if (res.manifest.verification) io.stdout.write(`${describeVerification(res.manifest.verification)}\n`);
      if (unverified.length) io.stdout.write(`Note: the catalog has no sha256 for ${unverified.length} file(s); their hashes were recorded in the manifest but could not be checked against a published value.\n`);
    }
    return 0;
  } catch (err) {
    if (tty) io.stdout.write('\n');
    if (err instanceof AppError && err.kind === 'Cancelled') {
      io.stderr.write(`Download cancelled; partial files were kept in ${dir}. Run \`assetql models download ${id}\` again to resume.\n`);
    }
    throw err;
  }
}

async function verify(ctx: AppContext, id: string | undefined, values: Flags, io: CliIo): Promise<number> {
  const packs = listInstalledPacks(ctx.db, ctx.dataDir).filter((p) => !id || p.id === id);
  if (id && !packs.length) throw new AppError('NotFound', `pack ${id} is not installed; see \`assetql models list\``, { packId: id });
  const results: { id: string; dir: string; ok: boolean; problem?: string; files: Awaited<ReturnType<typeof verifyPack>>['files'] }[] = [];
  for (const p of packs) {
    if (p.state !== 'ok' && p.state !== 'incomplete') {
      results.push({ id: p.id, dir: p.dir, ok: false, problem: p.problem ?? p.state, files: [] });
      continue;
    }
    if (!values.json) io.stdout.write(`Verifying ${p.id} (${formatBytes(p.bytes)}) in ${p.dir}\n`);
    const r = await verifyPack(p.dir, { signal: io.signal });
    results.push({ id: p.id, dir: p.dir, ok: r.ok, files: r.files });
    if (!values.json) {
      for (const f of r.files) {
        const status = !f.ok ? `FAILED (${f.problem})` : f.unchecked ? 'present (no published sha256 to compare)' : 'ok';
        io.stdout.write(`  ${f.ok ? '✔' : '✘'} ${f.file}: ${status}${!f.ok && f.expectedSha256 ? ` expected ${f.expectedSha256}, got ${f.sha256}` : ''}\n`);
      }
    }
  }
  if (values.json) io.stdout.write(`${JSON.stringify({ ok: results.every((r) => r.ok), packs: results }, null, 2)}\n`);
  else if (!results.length) io.stdout.write('No installed packs to verify.\n');
  return results.every((r) => r.ok) ? 0 : 1;
}

async function locate(ctx: AppContext, id: string, folder: string, values: Flags, io: CliIo): Promise<number> {
  const p: InstalledPack = locatePack(ctx.db, id, resolve(io.cwd, folder));
  if (values.json) io.stdout.write(`${JSON.stringify({ ok: true, id: p.id, dir: p.dir, state: p.state, bytes: p.bytes, testPack: p.testPack })}\n`);
  else io.stdout.write(`Registered ${p.id} at ${p.dir} (${formatBytes(p.bytes)}${p.testPack ? ', test pack: random weights, images are noise' : ''})\n`);
  return 0;
}

async function createTestPacks(dir: string, values: Flags, io: CliIo): Promise<number> {
  const kind = values.kind ?? 'all';
  if (kind !== 'sdxl' && kind !== 'clip' && kind !== 'all') throw new AppError('BadInput', `--kind must be sdxl, clip or all (got "${kind}")`);
  const written: { kind: string; dir: string; id: string }[] = [];
  const kinds = kind === 'all' ? (['sdxl', 'clip'] as const) : ([kind] as const);
  for (const k of kinds) {
    const target = kind === 'all' ? resolve(dir, `test-${k}`) : dir;
    if (existsSync(resolve(target, 'manifest.json'))) throw new AppError('Conflict', `${target} already holds a pack (manifest.json exists); choose an empty folder`, { dir: target });
    const m = k === 'sdxl' ? await createTestPack(target, { kind: 'sdxl', id: 'test-sdxl' }) : await createTestPack(target, { kind: 'clip', id: 'test-clip' });
    written.push({ kind: k, dir: target, id: m.id });
  }
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ ok: true, testPack: true, packs: written })}\n`);
  } else {
    for (const w of written) io.stdout.write(`Wrote ${w.kind} test pack "${w.id}" to ${w.dir}\n`);
    io.stdout.write(
      'These packs have RANDOM WEIGHTS: they run the real pipeline at a tiny size to smoke-test an installation or demo the app, but their images are noise and their embeddings are meaningless.\n' +
        `Register one with: assetql models locate ${written[0]?.id ?? 'test-sdxl'} ${written[0]?.dir ?? dir}\n`,
    );
  }
  return 0;
}

async function convert(ctx: AppContext, catalog: Catalog, source: string, values: Flags, io: CliIo): Promise<number> {
  if (!values.fp16) throw new AppError('BadInput', 'say which conversion: `assetql models convert --fp16 <fp32 pack id or folder>`');
  const installed = listInstalledPacks(ctx.db, ctx.dataDir).find((p) => p.id === source && p.state === 'ok');
  const srcDir = installed?.dir ?? resolve(io.cwd, source);
  if (!installed && !existsSync(resolve(srcDir, 'manifest.json'))) {
    throw new AppError('ModelMissing', `${source} is neither an installed pack nor a pack folder; download the fp32 pack first (\`assetql models download ${source}\`)`);
  }
  const srcId = installed?.id ?? readPackManifest(srcDir).id;
  const id = values.id ?? convertedPackId(srcId, catalog);
  const outDir = values.out ? resolve(io.cwd, values.out) : defaultPackDir(ctx.dataDir, id);
  if (!values.json) io.stdout.write(`Building ${id} (portable fp16) from ${srcId} in ${outDir}\n`);
  const res = await convertPackToFp16({
    srcDir, outDir, id, catalog,
    onStage: (stage, done, total) => io.stderr.write(values.json ? '' : `… ${stage} (${done}/${total})\n`),
  });
  registerPack(ctx.db, id, outDir);
  if (values.json) io.stdout.write(`${JSON.stringify({ ok: true, id, dir: outDir, components: res.components })}\n`);
  else {
    for (const [name, st] of Object.entries(res.components)) {
      io.stdout.write(st === 'copied' ? `  ${name}: kept in fp32 (copied)\n` : `  ${name}: ${st.initializersConverted} weights to fp16, ${st.fp32Nodes} of ${st.nodes} ops kept in fp32, ${st.castsInserted} casts${st.clamped ? `, ${st.clamped} values clamped to ±65504` : ''}\n`);
    }
    io.stdout.write(`Installed ${id}: runs on ${res.manifest.providers?.join(', ') ?? 'every provider'}.\n`);
  }
  return 0;
}

async function recommend(ctx: AppContext, catalog: Catalog, values: Flags, io: CliIo): Promise<number> {
  const forced = io.env['ASSETQL_PROVIDERS']?.split(',')[0]?.trim();
  const provider = (forced || resolveProviders((await detectProvidersInWorker()).statuses).chosen[0] || 'cpu') as PackProvider;
  const installed = new Set(listInstalledPacks(ctx.db, ctx.dataDir).filter((p) => p.state === 'ok').map((p) => p.id));
  const rec = await buildRecommendation(catalog, provider, installed);
  if (values.json) {
    io.stdout.write(`${JSON.stringify(rec, null, 2)}\n`);
    return 0;
  }
  io.stdout.write(`This machine generates with ${rec.providerLabel}${rec.gpuMemoryBytes !== null ? ` (${formatBytes(rec.gpuMemoryBytes)} GPU memory, ${rec.gpuMemorySource})` : ''}.\n`);
  for (const x of rec.packs) {
    const how = x.action === 'installed' ? 'installed' : x.action === 'download' ? `assetql models download ${x.packId}` : `assetql models download ${x.buildFrom ?? '?'} && assetql models convert --fp16 ${x.buildFrom ?? '?'}`;
    io.stdout.write(`  ${x.model}: ${x.packId} — ${how}\n    ${x.reason}\n`);
    for (const w of x.warnings) io.stdout.write(`    ! ${w}\n`);
  }
  return 0;
}
