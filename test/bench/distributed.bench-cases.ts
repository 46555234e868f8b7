import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchCase } from './bench-case.ts';
import { createTestPack } from '../../models/test-pack/create-test-pack.ts';
import type { SdxlManifest } from '../../models/manifest.ts';
import { writeRefs } from '../integration/pipeline/support/cli-fixtures.ts';
import { tinyRows } from '../integration/pipeline/support/tiny-pack-run.ts';
import { startLocalS3 } from '../integration/sync/local-s3.ts';
import { assetql, pinWorkFolder, workerArgs, type Proc } from '../integration/distributed/support/cluster.ts';
import { inProcessCoordinator } from '../integration/distributed/support/in-process-coordinator.ts';
import { HAVE_REDIS, REDIS_BIN, startRedis } from '../integration/distributed/support/redis-server.ts';
import { listWorkers } from '../../main/distributed/worker-registry.ts';

/** SIMULATED GPU time per image (ms): a fixed sleep on the worker standing in for real SDXL work. */
const DELAY_MS = Number(process.env['ASSETQL_BENCH_GPU_DELAY_MS'] ?? 2000);
const ROWS = Number(process.env['ASSETQL_BENCH_DIST_ROWS'] ?? 200);
const WORKERS = [1, 2, 4, 8];
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export const cases: BenchCase[] = [
  {
    name: `distributed: one ${ROWS}-row batch on 1, 2, 4, 8 worker processes (tiny pack + ${DELAY_MS} ms SIMULATED GPU time per image)`,
    baseline: 'ideal linear = N × the 1-worker throughput measured in the same run; overhead = coordinator generate-stage time − worker generation time, 1 job in flight',
    async run() {
      if (!HAVE_REDIS) throw new Error(`${REDIS_BIN} not found: install redis-server to run this benchmark`);
      const dir = mkdtempSync(join(tmpdir(), 'assetql-bench-dist-'));
      const manifest = (await createTestPack(join(dir, 'pack'), { kind: 'sdxl', id: 'test-sdxl' })) as SdxlManifest;
      await writeRefs(join(dir, 'refs'));
      const redis = await startRedis();
      const s3 = await startLocalS3('bench');
      const storeUrl = `${s3.endpoint.replace('http://', 'http://S3RVER:S3RVER@')}/bench/b`;
      await pinWorkFolder(storeUrl);
      const procs: Proc[] = [];
      const figures: Record<string, number> = {};
      const coord = (engine = {}) => inProcessCoordinator({ redisUrl: redis.url, storeUrl, packDir: join(dir, 'pack'), refsDir: join(dir, 'refs'), engine });
      const startWorkers = async (n: number, c: Awaited<ReturnType<typeof coord>>): Promise<Proc[]> => {
        const ws = Array.from({ length: n }, () => assetql(workerArgs(redis.url, storeUrl, join(dir, 'pack'), ['--simulate-gpu-ms', String(DELAY_MS)]), dir));
        procs.push(...ws);
        await Promise.all(ws.map((w) => w.waitFor((e) => e['event'] === 'ready', 600_000)));
        for (let t0 = Date.now(); Date.now() - t0 < 30_000; ) {
          if ((await listWorkers(c.coordinator.redis)).length >= n) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        await new Promise((r) => setTimeout(r, 1500)); // settle after start-up (not timed)
        return ws;
      };
      const stop = async (ws: Proc[]) => {
        for (const w of ws) w.kill('SIGINT');
        await Promise.all(ws.map((w) => w.exited));
      };
      try {
        // Per-job overhead: one job in flight, one worker, so nothing waits in the queue.
        {
          const c = await coord({ generateConcurrency: 1 });
          const ws = await startWorkers(1, c);
          try {
            const b = c.engine.createBatch({ name: 'overhead', model: 'test-sdxl', config: { thresholds: { style: 0 } }, profileId: c.profile.id, profileVersion: c.profile.version, tasks: tinyRows(30, manifest.defaults.width, manifest.defaults.steps), start: true });
            await c.engine.waitForBatch(b.id);
            const rows = c.lib.db.prepare(`SELECT timings, worker_gen_ms FROM attempts WHERE outcome = 'passed' AND worker_gen_ms IS NOT NULL`).all() as { timings: string; worker_gen_ms: number }[];
            const timings = rows.slice(3).map((r) => JSON.parse(r.timings) as Record<string, number>);
            const over = rows.slice(3).map((r, i) => (timings[i]!['generate'] ?? 0) - r.worker_gen_ms);
            figures['overheadMsMedian'] = Math.round(median(over));
            figures['overheadMsP90'] = Math.round([...over].sort((a, b) => a - b)[Math.floor(over.length * 0.9)] ?? 0);
            // Where the overhead goes (medians): coordinator enqueue, worker encode + upload, coordinator fetch + verify, decode.
            for (const k of ['remoteEnqueue', 'workerEncode', 'workerUpload', 'remoteFetch', 'remoteDecode']) figures[`overheadPart_${k}Ms`] = Math.round(median(timings.map((t) => t[k] ?? 0)) * 10) / 10;
            figures['localGenerateMsMedian'] = Math.round(median(rows.map((r) => r.worker_gen_ms - DELAY_MS)));
            process.stderr.write(`distributed bench: overhead median ${figures['overheadMsMedian']} ms, p90 ${figures['overheadMsP90']} ms\n`);
          } finally {
            await stop(ws);
            await c.close();
          }
        }
        for (const n of WORKERS) {
          const c = await coord();
          const ws = await startWorkers(n, c);
          try {
            const tasks = tinyRows(ROWS, manifest.defaults.width, manifest.defaults.steps).map((t) => ({ ...t, prompt: `${t.prompt} (${n} workers)` }));
            const t0 = performance.now();
            const b = c.engine.createBatch({ name: `bench ${n}`, model: 'test-sdxl', config: { thresholds: { style: 0 } }, profileId: c.profile.id, profileVersion: c.profile.version, tasks, start: true });
            const s = await c.engine.waitForBatch(b.id);
            const sec = (performance.now() - t0) / 1000;
            if (s.metrics.counts.ready !== ROWS) throw new Error(`${n} workers: ${s.metrics.counts.ready}/${ROWS} ready`);
            figures[`imagesPerMin_${n}w`] = Math.round((ROWS / sec) * 60 * 10) / 10;
            figures[`load1_${n}w`] = Math.round(loadavg()[0]! * 100) / 100;
            process.stderr.write(`distributed bench: ${n} workers: ${figures[`imagesPerMin_${n}w`]} images/min\n`);
          } finally {
            await stop(ws);
            await c.close();
          }
        }
        const one = figures['imagesPerMin_1w'] ?? 0;
        for (const n of WORKERS) figures[`vsLinear_${n}w`] = Math.round(((figures[`imagesPerMin_${n}w`] ?? 0) / (one * n)) * 1000) / 1000;
        figures['idealPerWorkerImagesPerMin'] = Math.round((60_000 / DELAY_MS) * 10) / 10;
        return {
          figures,
          notes: `GPU time is SIMULATED: a fixed ${DELAY_MS} ms sleep per image on each worker (plus the tiny pack's real CPU generation). Goals: vsLinear_8w ≥ 0.9, overheadMsMedian ≤ 50. All processes (coordinator, ${WORKERS.at(-1)} workers, redis-server, the S3 server) share this machine's ${cpus().length} CPU cores; load1_Nw is the 1-minute load average when the N-worker run ended.`,
        };
      } finally {
        for (const p of procs) if (p.child.exitCode === null) p.kill('SIGKILL');
        await redis.stop();
        await s3.close();
      }
    },
  },
];
