import { resolve } from 'node:path';
import { loadCatalog } from '../../../models/catalog.ts';
import { findInstalledPack } from '../../../models/pack-store.ts';
import { resolveProviders, type ProviderName } from '../../../workers/onnx/provider-types.ts';
import { detectProvidersInWorker } from '../../inference/cpu-jobs.ts';
import { APP_VERSION } from '../../core/app-root.ts';
import { openAppContext, type AppContext } from '../../core/app-context.ts';
import { AppError, toErrorData } from '../../core/app-error.ts';
import { gpuInfo } from '../../distributed/gpu-info.ts';
import { clipPackIdentity, packIdentity, type ClipPackIdentity, type PackIdentity } from '../../distributed/pack-identity.ts';
import { dataFolderVariants, type VariantProvider } from '../../distributed/worker-variants.ts';
import { checkRedis } from '../../distributed/redis-check.ts';
import { createRedis, redactUrl } from '../../distributed/redis-connection.ts';
import { parseStoreUrl, redactStoreUrl } from '../../distributed/store-url.ts';
import { startWorkerRuntime } from '../../distributed/worker-runtime.ts';
import { warmUpPacks } from '../../distributed/warm-up.ts';
import { createWorkStore } from '../../distributed/work-store.ts';
import { WorkerPool } from '../../inference/worker-pool.ts';
import type { CliIo, Command } from '../command.ts';
import { parseFlags } from '../parse-flags.ts';

const USAGE = `assetql worker --redis <url> --store <url> [options]

Runs this machine as a generation worker for a coordinator (the app, assetql serve or
assetql run with --redis/--store). Takes jobs only for the packs it holds (same pack id and
content), generates, uploads the PNG to the store and reports the attempt.
LoRA batches: the worker bakes the variant (pack + LoRAs at their scales) into the data
folder's LoRA variant cache, using LoRAs from its registry (matched by content hash) or the
copy the coordinator put in the store. With the coordinator's CLIP pack (same id and content)
it also embeds and scores each image, so the coordinator does not run CLIP for it.

  --redis <url>         redis://[:password@]host:6379 (rediss:// for TLS); or ASSETQL_REDIS_URL
  --store <url>         http(s)://KEY:SECRET@host:9000/bucket[/prefix] or s3://KEY:SECRET@bucket[/prefix]
                        (or ASSETQL_STORE_URL; AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY fill in credentials)
  --pack <dir>          SDXL pack folder (repeatable); default: every installed SDXL pack
  --clip-pack <dir>     CLIP pack folder (repeatable); default without --pack: the installed CLIP packs
  --data-dir <dir>      data folder: installed packs, LoRA registry and variant cache
  --concurrency N       jobs at once (default 1: one image per GPU at a time)
  --lock-ms N           job lock; a dead worker's job is re-delivered after it (default 30000)
  --simulate-gpu-ms N   TESTING ONLY: adds N ms per image standing in for GPU time
  --check               verify Redis, the store and the packs, print the result, exit
  --json                JSON lines instead of text

Exit code: 0 after Ctrl-C (jobs in progress finish first), 1 when a check fails, 2 for bad input.`;

export const workerCommand: Command = {
  name: 'worker',
  summary: 'Run this machine as a generation worker (BullMQ on Redis + S3 store)',
  usage: USAGE,
  async run(argv, io) {
    const parsed = parseFlags(this, argv, io, {
      redis: { type: 'string' }, store: { type: 'string' }, pack: { type: 'string', multiple: true }, 'clip-pack': { type: 'string', multiple: true }, 'data-dir': { type: 'string' },
      concurrency: { type: 'string' }, 'lock-ms': { type: 'string' }, 'simulate-gpu-ms': { type: 'string' }, check: { type: 'boolean' }, json: { type: 'boolean' },
    }, { positionals: false });
    if (typeof parsed === 'number') return parsed;
    const v = parsed.values;
    const say = (data: Record<string, unknown>, text: string): void => void io.stdout.write(v.json ? `${JSON.stringify(data)}\n` : `${text}\n`);
    const redisUrl = v.redis ?? io.env['ASSETQL_REDIS_URL'];
    const storeUrl = v.store ?? io.env['ASSETQL_STORE_URL'];
    let pool: WorkerPool | undefined;
    let data: AppContext | undefined;
    try {
      if (!redisUrl) throw new AppError('BadInput', 'missing --redis <url> (or ASSETQL_REDIS_URL)');
      if (!storeUrl) throw new AppError('BadInput', 'missing --store <url> (or ASSETQL_STORE_URL)');
      const concurrency = intFlag(v.concurrency, '--concurrency', 1, 1, 64);
      const lockMs = intFlag(v['lock-ms'], '--lock-ms', 30_000, 500, 600_000);
      const simulateGpuMs = intFlag(v['simulate-gpu-ms'], '--simulate-gpu-ms', 0, 0, 600_000);
      const store = createWorkStore(parseStoreUrl(storeUrl, io.env));
      const redis = createRedis(redisUrl);
      try {
        const r = await checkRedis(redis);
        say({ event: 'check', what: 'redis', ok: true, url: redactUrl(redisUrl), ...r }, `Redis ${redactUrl(redisUrl)}: ${r.version}, maxmemory-policy ${r.maxmemoryPolicy}, AOF ${r.aof ? 'on' : 'OFF (a Redis restart loses queued jobs)'}`);
        await store.check();
        say({ event: 'check', what: 'store', ok: true, url: redactStoreUrl(storeUrl) }, `Store ${redactStoreUrl(storeUrl)}: bucket reachable`);
        const packs = await findPacks(v.pack ?? [], v['data-dir'], io);
        for (const p of packs) say({ event: 'check', what: 'pack', ok: true, packId: p.packId, hash: p.hash, dir: p.dir }, `Pack ${p.packId} (${p.hash}) at ${p.dir}`);
        const clipPacks = await findClipPacks(v['clip-pack'] ?? [], (v.pack ?? []).length === 0, v['data-dir'], io);
        for (const p of clipPacks) say({ event: 'check', what: 'clip-pack', ok: true, packId: p.packId, hash: p.hash, dir: p.dir }, `CLIP pack ${p.packId} (${p.hash}) at ${p.dir}: embeds and scores here`);
        const providers = await pickProviders(io);
        const gpu = await gpuInfo();
        say({ event: 'check', what: 'device', provider: providers[0], gpu: gpu.name, gpuMemoryMb: gpu.memoryMb }, `Provider ${providers[0] ?? 'cpu'}${gpu.name ? `, GPU ${gpu.name} (${gpu.memoryMb ?? '?'} MB)` : ', no NVIDIA GPU found'}`);
        if (v.check) {
          say({ event: 'check', ok: true }, 'All checks passed.');
          return 0;
        }
        pool = new WorkerPool({ size: concurrency, providers });
        try {
          const warmMs = Math.round(await warmUpPacks(pool, packs, concurrency));
          say({ event: 'warm', ok: true, ms: warmMs }, `Packs loaded (${warmMs} ms)`);
        } catch (err) {
          // Not fatal: the first job loads them instead (and reports a real failure as the job's).
          say({ event: 'warm', ok: false, error: toErrorData(err) }, `Warning: could not pre-load the packs: ${toErrorData(err).message}`);
        }
        // The data folder is opened only when a LoRA variant is first needed.
        let provider: VariantProvider | undefined;
        const variants: VariantProvider = (base, loras) => {
          data ??= openAppContext(v['data-dir'] ? resolve(io.cwd, v['data-dir']) : undefined);
          provider ??= dataFolderVariants({ db: data.db, dataDir: data.dataDir, store, log: (line) => say({ event: 'log', message: line }, line) });
          return provider(base, loras);
        };
        const rt = await startWorkerRuntime({
          redis, store, pool, packs, clipPacks, variants, provider: providers[0] ?? 'cpu', gpu, version: APP_VERSION, concurrency, lockMs, simulateGpuMs,
          log: (line) => say({ event: 'log', message: line }, line),
        });
        say({ event: 'ready', id: rt.id, simulateGpuMs }, `Worker ${rt.id} ready${simulateGpuMs ? ` (SIMULATED GPU TIME: +${simulateGpuMs} ms per image)` : ''}. Ctrl-C to stop.`);
        // Ctrl-C, or SIGTERM from systemd / docker stop: finish the jobs in hand, then leave.
        await new Promise<void>((res) => {
          io.signal.addEventListener('abort', () => res(), { once: true });
          process.once('SIGTERM', () => res());
        });
        say({ event: 'stopping' }, 'Stopping: finishing jobs in progress…');
        await rt.stop();
        return 0;
      } finally {
        await redis.quit().catch(() => redis.disconnect());
        store.close();
      }
    } catch (err) {
      const e = toErrorData(err);
      say({ event: 'error', error: e }, `assetql worker: ${e.kind}: ${e.message}`);
      return e.kind === 'BadInput' || e.kind === 'NotFound' ? 2 : 1;
    } finally {
      await pool?.close().catch(() => undefined);
      data?.close();
    }
  },
};

async function findClipPacks(dirs: string[], installed: boolean, dataDir: string | undefined, io: CliIo): Promise<ClipPackIdentity[]> {
  const found = dirs.map((d) => resolve(io.cwd, d));
  if (found.length === 0 && installed) {
    const ctx = openAppContext(dataDir ? resolve(io.cwd, dataDir) : undefined);
    try {
      for (const p of loadCatalog().packs.filter((x) => x.kind === 'clip')) {
        const inst = findInstalledPack(ctx.db, ctx.dataDir, p.id);
        if (inst?.state === 'ok') found.push(inst.dir);
      }
    } finally {
      ctx.close();
    }
  }
  return Promise.all(found.map((d) => clipPackIdentity(d)));
}

async function findPacks(dirs: string[], dataDir: string | undefined, io: CliIo): Promise<PackIdentity[]> {
  const found = dirs.map((d) => resolve(io.cwd, d));
  if (found.length === 0) {
    const ctx = openAppContext(dataDir ? resolve(io.cwd, dataDir) : undefined);
    try {
      for (const p of loadCatalog().packs.filter((x) => x.kind === 'sdxl')) {
        const inst = findInstalledPack(ctx.db, ctx.dataDir, p.id);
        if (inst?.state === 'ok') found.push(inst.dir);
      }
    } finally {
      ctx.close();
    }
  }
  if (found.length === 0) throw new AppError('ModelMissing', 'no SDXL pack installed: install one (assetql models install …) or pass --pack <dir>');
  return Promise.all(found.map((d) => packIdentity(d)));
}

async function pickProviders(io: CliIo): Promise<ProviderName[]> {
  const forced = io.env['ASSETQL_PROVIDERS'];
  if (forced) return forced.split(',').map((s) => s.trim()) as ProviderName[];
  return resolveProviders((await detectProvidersInWorker()).statuses).chosen;
}

function intFlag(raw: string | undefined, name: string, dflt: number, min: number, max: number): number {
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new AppError('BadInput', `${name} must be a whole number ${min}–${max} (got "${raw}")`);
  return n;
}
