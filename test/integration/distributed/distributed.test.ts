import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/db/database.ts';
import { createTestPack } from '../../../models/test-pack/create-test-pack.ts';
import { writeCsv, writeRefs } from '../pipeline/support/cli-fixtures.ts';
import { startLocalS3, type LocalS3 } from '../sync/local-s3.ts';
import { assetql, pinWorkFolder, workerArgs, type Proc } from './support/cluster.ts';
import { HAVE_REDIS, startRedis, type LocalRedis } from './support/redis-server.ts';
import { inProcessCoordinator, type InProcessCoordinator } from './support/in-process-coordinator.ts';
import { listWorkers } from '../../../main/distributed/worker-registry.ts';
import { cancelKey } from '../../../main/distributed/job-types.ts';
import { createRedis } from '../../../main/distributed/redis-connection.ts';
import { tinyRows } from '../pipeline/support/tiny-pack-run.ts';
import type { SdxlManifest } from '../../../models/manifest.ts';

let dir: string;
let manifest: SdxlManifest;
let base: Proc[] = [];
// The issue asks for 10 trials, in CI too (about 5 s each).
const TRIALS = Number(process.env['ASSETQL_DIST_KILL_TRIALS'] ?? 10);
let redis: LocalRedis;
let s3: LocalS3;
let storeUrl: string;
const procs: Proc[] = [];

function track(p: Proc): Proc {
  procs.push(p);
  return p;
}

beforeAll(async () => {
  if (!HAVE_REDIS) return;
  dir = mkdtempSync(join(tmpdir(), 'assetql-dist-'));
  await Promise.all([
    createTestPack(join(dir, 'packs', 'p1'), { kind: 'sdxl', id: 'test-sdxl' }).then((m) => void (manifest = m as SdxlManifest)),
    createTestPack(join(dir, 'packs', 'p2'), { kind: 'sdxl', id: 'other-sdxl' }),
    writeRefs(join(dir, 'refs')),
  ]);
  redis = await startRedis();
  s3 = await startLocalS3('assetql-work');
  storeUrl = `${s3.endpoint.replace('http://', 'http://S3RVER:S3RVER@')}/assetql-work/dist`;
  await pinWorkFolder(storeUrl);
  // Three long-lived workers shared by every test: short lock (a dead peer's job comes back in
  // ~2 s), a small simulated GPU time so jobs are long enough to pause, cancel or kill mid-way.
  base = [0, 1, 2].map(() => worker('packs/p1', ['--lock-ms', '2000', '--simulate-gpu-ms', '100']));
  await Promise.all(base.map((w) => w.waitFor((e) => e['event'] === 'ready')));
}, 90_000);

afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.kill('SIGKILL');
  await redis?.stop();
  await s3?.close();
});

function coordinator(csv: string, dataDir: string, extra: string[] = []): Proc {
  return track(assetql(['run', csv, '--refs', 'refs', '--pack', 'packs/p1', '--data-dir', dataDir, '--threshold', '0', '--json', '--redis', redis.url, '--store', storeUrl, '--workers-only', ...extra], dir));
}

function worker(pack = 'packs/p1', extra: string[] = []): Proc {
  return track(assetql(workerArgs(redis.url, storeUrl, join(dir, pack), extra), dir));
}

function ledger(dataDir: string) {
  const db = openDatabase(join(dir, dataDir, 'assetql.db'), { readonly: true });
  try {
    return {
      assets: (db.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT task_key) AS k FROM assets').get() as { n: number; k: number }),
      ready: (db.prepare(`SELECT COUNT(*) AS n FROM tasks WHERE state = 'ready'`).get() as { n: number }).n,
      unattributed: (db.prepare(`SELECT COUNT(*) AS n FROM attempts WHERE outcome IN ('passed','failed') AND worker IS NULL`).get() as { n: number }).n,
      byWorker: db.prepare(`SELECT worker, COUNT(*) AS n FROM attempts WHERE outcome = 'passed' GROUP BY worker`).all() as { worker: string; n: number }[],
      recipes: db.prepare('SELECT params FROM assets LIMIT 3').all() as { params: string }[],
    };
  } finally {
    db.close();
  }
}

describe.skipIf(!HAVE_REDIS)('one batch across worker processes (BullMQ on a real redis-server, s3rver store)', () => {
  it('60 rows on three workers: one asset per row, every attempt attributed; a worker without the pack takes none', async () => {
    writeCsv(join(dir, 'sixty.csv'), 60);
    const ws = base;
    const stranger = worker('packs/p2');
    await stranger.waitFor((e) => e['event'] === 'ready');
    const c = coordinator('sixty.csv', 'data-60');
    expect(await c.exited, c.err()).toBe(0);
    const summary = c.events().at(-1)!;
    expect(summary).toMatchObject({ event: 'summary', state: 'done' });
    const l = ledger('data-60');
    expect(l.ready).toBe(60);
    expect(l.assets).toEqual({ n: 60, k: 60 });
    expect(l.unattributed).toBe(0);
    const ids = ws.map((w) => String(w.events().find((e) => e['event'] === 'ready')!['id']));
    const strangerId = String(stranger.events().find((e) => e['event'] === 'ready')!['id']);
    expect(l.byWorker.map((r) => r.worker).every((w) => ids.includes(w))).toBe(true);
    expect(l.byWorker.some((r) => r.worker === strangerId)).toBe(false);
    expect(l.byWorker.reduce((a, r) => a + r.n, 0)).toBe(60);
    expect(JSON.parse(l.recipes[0]!.params)).toMatchObject({ provider: 'cpu' });
    expect(stranger.events().some((e) => e['event'] === 'log' && String(e['message']).includes('test-sdxl'))).toBe(false);
    stranger.kill('SIGINT');
    expect(await stranger.exited).toBe(0);
  }, 150_000);

  it('assetql worker --check verifies Redis, the store and the packs; a Redis that may evict is refused; assetql workers lists the workers', async () => {
    const ok = track(assetql([...workerArgs(redis.url, storeUrl, join(dir, 'packs', 'p1')), '--check'], dir));
    expect(await ok.exited, ok.err()).toBe(0);
    expect(ok.events().filter((e) => e['event'] === 'check').map((e) => e['what'])).toEqual(['redis', 'store', 'pack', 'device', undefined]);
    expect(ok.out()).not.toContain('S3RVER:S3RVER');

    const list = track(assetql(['workers', '--redis', redis.url, '--json'], dir));
    expect(await list.exited, list.err()).toBe(0);
    const ads = (JSON.parse(list.out()) as { workers: { packs: { packId: string }[]; provider: string; lastHeartbeat: number }[] }).workers;
    expect(ads.length).toBeGreaterThanOrEqual(3);
    expect(ads.every((w) => w.provider === 'cpu' && w.packs[0]?.packId === 'test-sdxl' && Date.now() - w.lastHeartbeat < 15_000)).toBe(true);

    const admin = createRedis(redis.url);
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      const bad = track(assetql([...workerArgs(redis.url, storeUrl, join(dir, 'packs', 'p1')), '--check'], dir));
      expect(await bad.exited).toBe(2);
      const err = bad.events().find((e) => e['event'] === 'error')?.['error'] as { message: string } | undefined;
      expect(err?.message).toMatch(/maxmemory-policy is "allkeys-lru": set it to noeviction/);
    } finally {
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      admin.disconnect();
    }
    const wrongStore = track(assetql(['worker', '--redis', redis.url, '--store', `${s3.endpoint.replace('http://', 'http://S3RVER:S3RVER@')}/no-such-bucket`, '--pack', join(dir, 'packs', 'p1'), '--check', '--json'], dir));
    expect(await wrongStore.exited).toBe(2);
    expect(wrongStore.out()).toMatch(/no-such-bucket/);
  }, 60_000);

  it(`a worker SIGKILLed mid-job: the job is re-delivered after its lock expires, exactly one asset (${TRIALS} trials)`, async () => {
    const c = await coord();
    try {
      const killed: { worker: string; jobId: string }[] = [];
      let rows = 0;
      // Each round: n victims (3 s jobs, 1.5 s lock) join the base workers, a batch starts, every
      // victim is SIGKILLed once it holds a job. Several victims per round, so trials overlap.
      for (let done = 0; done < TRIALS; ) {
        const n = Math.min(5, TRIALS - done);
        const victims = Array.from({ length: n }, () => worker('packs/p1', ['--lock-ms', '1500', '--simulate-gpu-ms', '3000']));
        const ids = await Promise.all(victims.map(async (v) => String((await v.waitFor((e) => e['event'] === 'ready'))['id'])));
        await until(async () => (await listWorkers(c.coordinator.redis)).filter((w) => ids.includes(w.id)).length === n);
        await new Promise((r) => setTimeout(r, 1200)); // victims find the queue (discovery every second)
        const tasks = tinyRows(n + 9, manifest.defaults.width, manifest.defaults.steps).map((t) => ({ ...t, prompt: `${t.prompt}, round ${done}` }));
        rows += tasks.length;
        const b = c.engine.createBatch({ name: `kill ${done}`, model: 'test-sdxl', config: { thresholds: { style: 0 } }, profileId: c.profile.id, profileVersion: c.profile.version, tasks, start: true });
        const t0 = Date.now();
        const pending = new Set(ids);
        while (pending.size > 0 && Date.now() - t0 < 20_000) {
          for (const ad of await listWorkers(c.coordinator.redis)) {
            if (pending.has(ad.id) && ad.currentJob) {
              victims[ids.indexOf(ad.id)]!.kill('SIGKILL');
              killed.push({ worker: ad.id, jobId: ad.currentJob.jobId });
              pending.delete(ad.id);
            }
          }
          await new Promise((r) => setTimeout(r, 30));
        }
        for (const [i, v] of victims.entries()) if (pending.has(ids[i]!)) v.kill('SIGKILL');
        await Promise.all(victims.map((v) => v.exited));
        const s = await c.engine.waitForBatch(b.id);
        expect(s.metrics.counts.ready).toBe(tasks.length);
        done += n;
      }
      expect(killed.length).toBeGreaterThanOrEqual(TRIALS - 1);
      const db = c.lib.db;
      expect(db.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT task_key) AS k FROM assets').get()).toEqual({ n: rows, k: rows });
      for (const k of killed) {
        const taskKey = k.jobId.replace(/\.a\d+$/, '');
        const t = db.prepare('SELECT id, state FROM tasks WHERE task_key = ?').get(taskKey) as { id: string; state: string };
        expect(t.state).toBe('ready');
        expect((db.prepare('SELECT COUNT(*) AS n FROM assets WHERE task_key = ?').get(taskKey) as { n: number }).n).toBe(1);
        // Re-delivered, not re-planned: the same attempt finished, on a worker that was alive.
        const passed = db.prepare(`SELECT n, worker FROM attempts WHERE task_id = ? AND outcome = 'passed'`).get(t.id) as { n: number; worker: string };
        expect(passed.worker).not.toBe(k.worker);
        expect(`${taskKey}.a${passed.n}`).toBe(k.jobId);
      }
    } finally {
      await c.close();
    }
  }, 150_000);

  it('the coordinator killed mid-batch and started again reconciles with Redis: every row once, no duplicate', async () => {
    writeCsv(join(dir, 'restart.csv'), 16);
    const first = coordinator('restart.csv', 'data-restart');
    await first.waitFor((e) => e['event'] === 'task' && e['to'] === 'ready' && Number(e['rowIndex']) >= 2, 90_000);
    await first.waitFor(() => first.events().filter((e) => e['event'] === 'task' && e['to'] === 'ready').length >= 5, 90_000);
    first.kill('SIGKILL');
    await first.exited;
    const second = coordinator('restart.csv', 'data-restart');
    expect(await second.exited, second.err()).toBe(0);
    expect(second.events()[1] ?? second.events()[0]).toBeDefined();
    expect(second.events().some((e) => e['event'] === 'resume')).toBe(true);
    expect(second.events().at(-1)).toMatchObject({ event: 'summary', state: 'done' });
    const l = ledger('data-restart');
    expect(l.ready).toBe(16);
    expect(l.assets).toEqual({ n: 16, k: 16 });
  }, 150_000);

  it('Redis restarted mid-batch (AOF): workers and coordinator reconnect, the batch completes', async () => {
    const c = await coord();
    try {
      const b = c.engine.createBatch({ name: 'redis-restart', model: 'test-sdxl', config: { thresholds: { style: 0 } }, profileId: c.profile.id, profileVersion: c.profile.version, tasks: tinyRows(16, manifest.defaults.width, manifest.defaults.steps), start: true });
      await until(() => c.engine.metrics(b.id).counts.ready >= 3);
      await redis.restart(500);
      const s = await c.engine.waitForBatch(b.id);
      expect(s.metrics.counts.ready).toBe(16);
      expect(c.lib.db.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT task_key) AS k FROM assets').get()).toEqual({ n: 16, k: 16 });
    } finally {
      await c.close();
    }
  }, 120_000);

  it('the store answering 503 is retried with backoff: the batch completes without a failed attempt', async () => {
    const c = await coord();
    let injected = 0;
    let seen = 0;
    // Every third store request answers 503, but never the same request more than twice in a
    // row: uploads run in parallel, so a request's retries may land on "every third" again, and
    // the point is that retries succeed, not that the retry budget (4) is beaten by chance.
    const failedTwice = new Map<string, number>();
    s3.inject = (r) => {
      if (!r.path.includes('/work/')) return undefined;
      const key = `${r.method} ${r.path}`;
      if (++seen % 3 === 0 && (failedTwice.get(key) ?? 0) < 2) {
        injected++;
        failedTwice.set(key, (failedTwice.get(key) ?? 0) + 1);
        return { status: 503, code: 'SlowDown' };
      }
      failedTwice.delete(key);
      return undefined;
    };
    try {
      const b = c.engine.createBatch({ name: 'store-5xx', model: 'test-sdxl', config: { thresholds: { style: 0 } }, profileId: c.profile.id, profileVersion: c.profile.version, tasks: tinyRows(12, manifest.defaults.width, manifest.defaults.steps), start: true });
      const s = await c.engine.waitForBatch(b.id);
      expect(s.metrics.counts.ready).toBe(12);
      expect(injected).toBeGreaterThan(5);
      expect(c.lib.db.prepare(`SELECT COUNT(*) AS n FROM attempts WHERE outcome != 'passed'`).get()).toEqual({ n: 0 });
    } finally {
      s3.inject = () => undefined;
      await c.close();
    }
  }, 120_000);

  it('pause and cancel reach the queue within a second: waiting jobs removed, running ones stopped', async () => {
    const c = await coord();
    try {
      const q = await c.queue().catch(() => null);
      const tasks = tinyRows(24, manifest.defaults.width, manifest.defaults.steps);
      const b = c.engine.createBatch({ name: 'pause', model: 'test-sdxl', config: { thresholds: { style: 0 } }, profileId: c.profile.id, profileVersion: c.profile.version, tasks, start: true });
      await until(() => c.engine.metrics(b.id).counts.ready >= 2);
      const queue = q ?? (await c.queue());
      const live = async () => {
        const n = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed');
        return (n['waiting'] ?? 0) + (n['prioritized'] ?? 0) + (n['active'] ?? 0) + (n['delayed'] ?? 0);
      };
      // "Reached the queue": nothing of the batch left to hand out, and every job a worker holds
      // carries the stop signal. "Idle": the workers dropped those jobs too (next denoising step).
      const propagated = async () => {
        const n = await queue.getJobCounts('waiting', 'prioritized', 'delayed');
        if ((n['waiting'] ?? 0) + (n['prioritized'] ?? 0) + (n['delayed'] ?? 0) > 0) return false;
        for (const j of await queue.getJobs(['active'])) {
          if (j && !(await c.coordinator.redis.exists(cancelKey(queue.name, j.id ?? '')))) return false;
        }
        return true;
      };
      expect(await live()).toBeGreaterThan(0);
      let t0 = Date.now();
      c.engine.pauseBatch(b.id);
      await until(propagated, 5000);
      const pauseMs = Date.now() - t0;
      await until(async () => (await live()) === 0, 5000);
      const pauseIdleMs = Date.now() - t0;
      expect(pauseMs).toBeLessThan(1000);
      // Workers are told at once (pub/sub → BullMQ cancelJob), not at their next poll of the key.
      expect(pauseIdleMs).toBeLessThan(1000);
      // A paused batch enqueues nothing more.
      await new Promise((r) => setTimeout(r, 600));
      expect(await live()).toBe(0);

      c.engine.resumeBatch(b.id);
      await until(async () => (await live()) > 0);
      t0 = Date.now();
      c.engine.cancelBatch(b.id);
      await until(propagated, 5000);
      const cancelMs = Date.now() - t0;
      await until(async () => (await live()) === 0, 5000);
      const cancelIdleMs = Date.now() - t0;
      expect(cancelMs).toBeLessThan(1000);
      expect(cancelIdleMs).toBeLessThan(1000);
      expect(c.engine.metrics(b.id).counts.cancelled).toBeGreaterThan(0);
      console.log(`pause reached the queue in ${pauseMs} ms (workers idle after ${pauseIdleMs} ms), cancel in ${cancelMs} ms (idle after ${cancelIdleMs} ms)`);
    } finally {
      await c.close();
    }
  }, 120_000);
});

describe.skipIf(!HAVE_REDIS)('a pause reaches a job a worker is in the middle of', () => {
  it('a 6 s job stops within a second of the pause (not at its end, not at a poll)', async () => {
    // Its own pack (own queue): only this slow worker takes these jobs.
    const slow = worker('packs/p2', ['--simulate-gpu-ms', '6000']);
    await slow.waitFor((e) => e['event'] === 'ready');
    const c = await inProcessCoordinator({ redisUrl: redis.url, storeUrl, packDir: join(dir, 'packs', 'p2'), refsDir: join(dir, 'refs') });
    try {
      const b = c.engine.createBatch({ name: 'long', model: 'other-sdxl', config: { thresholds: { style: 0 } }, profileId: c.profile.id, profileVersion: c.profile.version, tasks: tinyRows(3, manifest.defaults.width, manifest.defaults.steps), start: true });
      const name = await (async () => {
        for (;;) {
          const n = Object.keys(await c.coordinator.redis.hgetall('assetql:queues')).find((q) => q.includes('other-sdxl'));
          if (n) return n;
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const q = new Queue(name, { connection: c.coordinator.redis });
      try {
        await until(async () => (await q.getJobCounts('active'))['active'] === 1, 20_000);
        await new Promise((r) => setTimeout(r, 300)); // well inside the 6 s job
        const t0 = Date.now();
        c.engine.pauseBatch(b.id);
        await until(async () => (await q.getJobCounts('active'))['active'] === 0, 6000);
        const stopMs = Date.now() - t0;
        console.log(`a running 6 s job stopped ${stopMs} ms after the pause`);
        expect(stopMs).toBeLessThan(1000);
        const failed = await q.getJobs(['failed']);
        expect(failed.map((j) => JSON.parse(j.failedReason) as { kind: string }).every((e) => e.kind === 'Cancelled')).toBe(true);
        expect(c.engine.metrics(b.id).counts.ready).toBe(0);
      } finally {
        await q.close();
      }
    } finally {
      await c.close();
      slow.kill('SIGINT');
      await slow.exited;
    }
  }, 90_000);
});

function coord(): Promise<InProcessCoordinator> {
  return inProcessCoordinator({ redisUrl: redis.url, storeUrl, packDir: join(dir, 'packs', 'p1'), refsDir: join(dir, 'refs') });
}

async function until(pred: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!(await pred())) {
    if (Date.now() - t0 > ms) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
