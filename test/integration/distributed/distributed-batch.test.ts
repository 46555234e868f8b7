import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/db/database.ts';
import { createTestPack } from '../../../models/test-pack/create-test-pack.ts';
import { writeCsv, writeRefs } from '../pipeline/support/cli-fixtures.ts';
import { startLocalS3, type LocalS3 } from '../sync/local-s3.ts';
import { assetql, workerArgs, type Proc } from './support/cluster.ts';
import { HAVE_REDIS, startRedis, type LocalRedis } from './support/redis-server.ts';

let dir: string;
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
    createTestPack(join(dir, 'packs', 'p1'), { kind: 'sdxl', id: 'test-sdxl' }),
    createTestPack(join(dir, 'packs', 'p2'), { kind: 'sdxl', id: 'other-sdxl' }),
    writeRefs(join(dir, 'refs')),
  ]);
  redis = await startRedis();
  s3 = await startLocalS3('assetql-work');
  storeUrl = `${s3.endpoint.replace('http://', 'http://S3RVER:S3RVER@')}/assetql-work/dist`;
}, 60_000);

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
    const ws = [worker(), worker(), worker()];
    const stranger = worker('packs/p2');
    await Promise.all([...ws, stranger].map((w) => w.waitFor((e) => e['event'] === 'ready')));
    const c = coordinator('sixty.csv', 'data-60');
    const code = await Promise.race([c.exited, new Promise((r) => setTimeout(() => r('timeout'), 60_000))]);
    if (code !== 0) console.log('COORD', c.out().slice(-3000), c.err().slice(-3000), 'W0', ws[0]!.out().slice(-3000), ws[0]!.err().slice(-2000));
    expect(code, c.err()).toBe(0);
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
    // The work objects were deleted once each task was final.
    await new Promise((r) => setTimeout(r, 500));
    for (const w of [...ws, stranger]) w.kill('SIGINT');
    await Promise.all([...ws, stranger].map((w) => w.exited));
  }, 150_000);
});
