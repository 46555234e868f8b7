import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices } from '../../../main/api/app-services.ts';
import type { RequestContext } from '../../../main/api/registry.ts';
import type { RequestArg, RequestName, RequestResult } from '../../../preload/api.ts';
import { startCoordinator } from '../../../main/distributed/coordinator.ts';
import { CoordinatorSwitch, type SwitchTarget } from '../../../main/distributed/coordinator-switch.ts';
import { createProfile } from '../../../main/dna/profile-repo.ts';
import { WorkerPool } from '../../../main/inference/worker-pool.ts';
import { loadReferenceDir } from '../../../main/intake/references/load-references.ts';
import { createPipeline, type PipelineEngine } from '../../../main/pipeline/engine.ts';
import { createRealStages, type RealStages } from '../../../main/pipeline/wiring.ts';
import { createTestPack } from '../../../models/test-pack/create-test-pack.ts';
import type { SdxlManifest } from '../../../models/manifest.ts';
import { writeRefs } from '../pipeline/support/cli-fixtures.ts';
import { tempLibrary, type TempLibrary } from '../pipeline/support/fixtures.ts';
import { tinyRows } from '../pipeline/support/tiny-pack-run.ts';
import { startLocalS3, type LocalS3 } from '../sync/local-s3.ts';
import { assetql, pinWorkFolder, workerArgs, type Proc } from './support/cluster.ts';
import { HAVE_REDIS, startRedis, type LocalRedis } from './support/redis-server.ts';

/**
 * Settings → Distributed applied in a running coordinator (the app and `assetql serve` use the
 * same CoordinatorSwitch): a real engine and library here, two `assetql worker` processes on a
 * real redis-server and the local S3 server. Switching mid-batch must neither lose nor repeat a
 * row: remote attempts in flight finish (or, after the drain timeout, go back to the queue).
 */
let dir: string;
let manifest: SdxlManifest;
let redis: LocalRedis;
let s3: LocalS3;
let storeUrl: string;
const procs: Proc[] = [];

beforeAll(async () => {
  if (!HAVE_REDIS) return;
  dir = mkdtempSync(join(tmpdir(), 'assetql-live-'));
  manifest = (await createTestPack(join(dir, 'pack'), { kind: 'sdxl', id: 'test-sdxl' })) as SdxlManifest;
  await writeRefs(join(dir, 'refs'));
  redis = await startRedis();
  s3 = await startLocalS3('assetql-live');
  storeUrl = `${s3.endpoint.replace('http://', 'http://S3RVER:S3RVER@')}/assetql-live/w`;
  await pinWorkFolder(storeUrl);
  for (let i = 0; i < 2; i++) procs.push(assetql(workerArgs(redis.url, storeUrl, join(dir, 'pack'), ['--lock-ms', '2000', '--simulate-gpu-ms', '600']), dir));
  await Promise.all(procs.map((w) => w.waitFor((e) => e['event'] === 'ready')));
}, 120_000);

afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.kill('SIGKILL');
  await redis?.stop();
  await s3?.close();
});

interface Rig {
  lib: TempLibrary;
  engine: PipelineEngine;
  sw: CoordinatorSwitch;
  profile: { id: string; version: number };
  target: SwitchTarget;
  close(): Promise<void>;
}

async function rig(drainTimeoutMs: number): Promise<Rig> {
  const lib = tempLibrary('assetql-live-');
  const pool = new WorkerPool({ size: 1, providers: ['cpu'] });
  const stages: RealStages = await createRealStages({ db: lib.db, dataDir: lib.dataDir, pool, packDir: join(dir, 'pack') });
  const refs = await loadReferenceDir(join(dir, 'refs'));
  const profile = await createProfile(lib.db, lib.dataDir, refs.references.map((r) => ({ name: r.name, image: r.rgb })), { name: 'live', embedder: null });
  const sw = new CoordinatorSwitch({ localSlots: 1, drainTimeoutMs });
  // As pipeline-runtime wires it: loops for the largest cap, the switch caps them live.
  const engine = createPipeline({ db: lib.db, stages: sw.resolver(stages.resolve, { packDirFor: () => join(dir, 'pack') }), config: { generateConcurrency: 32, generateSlots: () => sw.slots(), validateQueueSize: 16 } });
  sw.attach(engine);
  await engine.start();
  const target: SwitchTarget = { key: 'redis-a', start: () => startCoordinator({ redisUrl: redis.url, storeUrl, db: lib.db, local: null, pollMs: 250 }) };
  return {
    lib,
    engine,
    sw,
    profile: { id: profile.id ?? '', version: profile.version },
    target,
    async close() {
      await engine.stop();
      await sw.close();
      await stages.dispose();
      await pool.close();
      lib.cleanup();
    },
  };
}

function attempts(r: Rig, batchId: string) {
  return r.lib.db.prepare('SELECT a.n, a.outcome, a.worker, a.error FROM attempts a JOIN tasks t ON t.id = a.task_id WHERE t.batch_id = ?').all(batchId) as { n: number; outcome: string; worker: string | null; error: string | null }[];
}

async function liveJobs(): Promise<number> {
  const admin = new Queue('x', { connection: { url: redis.url } });
  try {
    const client = await admin.client;
    const names = Object.keys(await client.hgetall('assetql:queues'));
    let n = 0;
    for (const name of names) {
      const q = new Queue(name, { connection: client });
      const c = await q.getJobCounts('waiting', 'prioritized', 'active', 'delayed');
      n += (c['waiting'] ?? 0) + (c['prioritized'] ?? 0) + (c['active'] ?? 0) + (c['delayed'] ?? 0);
      await q.close();
    }
    return n;
  } finally {
    await admin.close();
  }
}

describe.skipIf(!HAVE_REDIS)('Settings → Distributed applied without a restart', () => {
  it('local → workers → local mid-batch: remote attempts in flight finish first (state shown meanwhile); every row once', async () => {
    const r = await rig(60_000);
    try {
      await r.sw.apply(null);
      // Enough rows that the batch cannot finish before the switch back: on a loaded machine the
      // local phase alone made 16 of 20 (the tiny pack is fast) and nothing was left in Redis.
      const rows = 60;
      const b = r.engine.createBatch({ name: 'live', model: 'test-sdxl', config: { thresholds: { style: 0 } }, profileId: r.profile.id, profileVersion: r.profile.version, tasks: tinyRows(rows, manifest.defaults.width, manifest.defaults.steps), start: true });
      await until(() => r.engine.metrics(b.id).counts.ready >= 2);
      expect(r.sw.slots()).toBe(1);

      await r.sw.apply(r.target);
      expect(r.sw.state()).toMatchObject({ active: true, error: null, applying: null });
      // Two live workers (one job slot each): two running + two waiting.
      await until(() => r.sw.slots() === 4, 10_000);
      // Generous on a loaded CI machine (other files run worker processes at the same time).
      const where = async (): Promise<unknown> => ({ switch: r.sw.state(), slots: r.sw.slots(), counts: r.engine.metrics(b.id).counts, inFlight: r.engine.metrics(b.id).inFlight, attempts: attempts(r, b.id), queued: await liveJobs().catch((e: unknown) => String(e)), workers: (await r.sw.current?.workers())?.map((w) => ({ id: w.id, job: w.currentJob, beat: w.lastHeartbeat })), procs: procs.map((p) => ({ exit: p.child.exitCode, events: p.events().slice(-6), err: p.err().slice(-600) })) });
      await until(() => attempts(r, b.id).filter((a) => a.worker && a.outcome === 'passed').length >= 4, 150_000, where);

      // Switch off while jobs are in Redis (on a loaded machine the engine may not have claimed the next rows yet).
      await until(async () => (await liveJobs()) > 0, 20_000, where);
      const off = r.sw.apply(null);
      await until(() => /waiting for \d+ remote attempt/.test(r.sw.state().applying ?? ''), 15_000, where);
      expect(r.sw.slots()).toBe(0); // no new row starts while switching
      await off;
      expect(r.sw.state()).toMatchObject({ active: false, error: null, applying: null });
      expect(r.sw.slots()).toBe(1);

      const s = await r.engine.waitForBatch(b.id);
      expect(s.metrics.counts.ready).toBe(rows);
      expect(r.lib.db.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT task_key) AS k FROM assets').get()).toEqual({ n: rows, k: rows });
      const all = attempts(r, b.id);
      // Nothing was thrown away: the drain let the remote attempts finish.
      expect(all.filter((a) => a.outcome !== 'passed')).toEqual([]);
      const remote = all.filter((a) => a.worker).length;
      expect(remote).toBeGreaterThanOrEqual(4);
      expect(all.length - remote).toBeGreaterThanOrEqual(3); // local before and after
      expect(await liveJobs()).toBe(0);
    } finally {
      await r.close();
    }
  }, 300_000);

  it('a drain that runs out of time returns the unfinished remote attempts to the queue: no row lost or made twice', async () => {
    const r = await rig(1);
    try {
      await r.sw.apply(r.target);
      const rows = 12;
      const b = r.engine.createBatch({ name: 'live-timeout', model: 'test-sdxl', config: { thresholds: { style: 0 } }, profileId: r.profile.id, profileVersion: r.profile.version, tasks: tinyRows(rows, manifest.defaults.width, manifest.defaults.steps), start: true });
      await until(() => r.engine.metrics(b.id).counts.ready >= 2);
      await until(() => r.engine.metrics(b.id).inFlight >= 2, 10_000);
      await r.sw.apply(null);
      expect(r.sw.state().active).toBe(false);
      const s = await r.engine.waitForBatch(b.id);
      expect(s.metrics.counts.ready).toBe(rows);
      expect(r.lib.db.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT task_key) AS k FROM assets').get()).toEqual({ n: rows, k: rows });
      const returned = attempts(r, b.id).filter((a) => a.outcome === 'cancelled');
      expect(returned.length).toBeGreaterThanOrEqual(1);
      expect(returned.every((a) => /distributed settings changed/.test(a.error ?? ''))).toBe(true);
      // Their jobs were withdrawn (or told to stop): nothing of this batch stays queued or running.
      await until(async () => (await liveJobs()) === 0, 10_000);
    } finally {
      await r.close();
    }
  }, 150_000);
});

describe.skipIf(!HAVE_REDIS)('Settings → Distributed through the app API (what the Settings screen calls)', () => {
  it('saving turns coordination on and off in the running app; the Workers panel follows without a restart', async () => {
    const s = await createAppServices({ dataDir: mkdtempSync(join(tmpdir(), 'aq-live-api-')), transport: 'test', background: true });
    const ctx: RequestContext = { transport: 'test', fileUrl: (p) => `/files/${p}` };
    const call = async <K extends RequestName>(name: K, arg: RequestArg<K>): Promise<RequestResult<K>> => {
      const r = await s.registry.dispatch(name, arg, ctx);
      if (!r.ok) throw new Error(`${name}: ${r.error.kind}: ${r.error.message}`);
      return r.value as RequestResult<K>;
    };
    try {
      expect(await call('distributed.get', {})).toMatchObject({ enabled: false, active: false, applying: null });
      let d = await call('distributed.save', { enabled: true, generateLocally: false, maxInFlight: 8, redisUrl: redis.url, storeUrl });
      // The answer comes within ~1.5 s; a slower connect shows as `applying` until it settles.
      await until(async () => (d = await call('distributed.get', {})).applying === null, 20_000);
      expect(d).toMatchObject({ enabled: true, active: true, activeError: null });
      expect(d.storeUrl).not.toContain('S3RVER:S3RVER');
      await until(async () => (await call('workers.list', {})).workers.length >= 2, 10_000);

      // A Redis that is not there: reported, and the app keeps generating locally.
      // As the Settings form sends it: every field, an empty URL keeps the saved one.
      const form = { enabled: true, generateLocally: false, maxInFlight: 8, redisUrl: '', storeUrl: '' };
      d = await call('distributed.save', { ...form, redisUrl: 'redis://127.0.0.1:1' });
      await until(async () => (d = await call('distributed.get', {})).applying === null, 30_000);
      expect(d.active).toBe(false);
      expect(d.activeError).toMatch(/Redis|connect|ECONNREFUSED/i);

      d = await call('distributed.save', { ...form, redisUrl: redis.url });
      await until(async () => (d = await call('distributed.get', {})).applying === null, 20_000);
      expect(d).toMatchObject({ active: true, activeError: null });

      d = await call('distributed.save', { ...form, enabled: false });
      await until(async () => (d = await call('distributed.get', {})).applying === null, 20_000);
      expect(d).toMatchObject({ enabled: false, active: false, activeError: null });
      expect((await call('workers.list', {})).active).toBe(false);
    } finally {
      await s.close();
    }
  }, 90_000);
});

async function until(pred: () => boolean | Promise<boolean>, ms = 60_000, state?: () => unknown): Promise<void> {
  const t0 = Date.now();
  while (!(await pred())) {
    // Says where things stood, so a timeout on a loaded CI machine can be told from a stall.
    if (Date.now() - t0 > ms) throw new Error(`condition not reached in ${ms} ms${state ? `: ${JSON.stringify(await state())}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
