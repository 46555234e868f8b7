import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPack } from '../../models/test-pack/create-test-pack.ts';
import { assetql, workerArgs } from '../integration/distributed/support/cluster.ts';
import { HAVE_REDIS, startRedis } from '../integration/distributed/support/redis-server.ts';
import { startLocalS3 } from '../integration/sync/local-s3.ts';
import { assert, expectOkToast, openPage, screenshot, startServer, type E2eSpec } from './harness.ts';

/**
 * Issue 14: Settings → Distributed applies in the running app (no restart): saving Redis and
 * store URLs turns coordination on, and the state line says so; turning it off applies too.
 */
export const specs: E2eSpec[] = [
  {
    name: 'distributed settings: saving turns coordination on and off without a restart',
    async run(ctx) {
      if (!HAVE_REDIS) {
        console.warn('*** SKIPPING the distributed settings e2e: redis-server not installed ***');
        return;
      }
      const redis = await startRedis();
      const s3 = await startLocalS3('assetql-e2e');
      const server = await startServer();
      const { page, errors } = await openPage(ctx.browser, `${server.url}#/settings`);
      try {
        const card = page.locator('[data-testid="distributed-settings"]');
        const state = card.locator('[data-testid="distributed-state"]');
        await state.waitFor({ timeout: 30_000 });
        assert(/off/.test(await state.innerText()), `starts off: ${await state.innerText()}`);
        await card.getByLabel('Send generation to workers').check();
        await card.getByLabel('This machine generates too').uncheck();
        await card.locator('input[type="password"]').nth(0).fill(redis.url);
        await card.locator('input[type="password"]').nth(1).fill(`${s3.endpoint.replace('http://', 'http://S3RVER:S3RVER@')}/assetql-e2e/w`);
        await card.getByRole('button', { name: 'Save' }).click();
        await expectOkToast(page, 'Saved');
        await page.waitForSelector('[data-testid="distributed-state"]:has-text("coordinating")', { timeout: 30_000 });
        const saved = await card.innerText();
        assert(!saved.includes('S3RVER:S3RVER'), 'the store secret is never shown');
        await screenshot(page, 'distributed-settings-live');
        // A real worker process joins: the Workers screen lists it (host, provider, pack, heartbeat).
        const packDir = mkdtempSync(join(tmpdir(), 'assetql-e2e-wpack-'));
        await createTestPack(join(packDir, 'test-sdxl'), { kind: 'sdxl', id: 'test-sdxl' });
        const storeUrl = `${s3.endpoint.replace('http://', 'http://S3RVER:S3RVER@')}/assetql-e2e/w`;
        const worker = assetql([...workerArgs(redis.url, storeUrl, join(packDir, 'test-sdxl')), '--data-dir', join(packDir, 'data')], packDir);
        try {
          await worker.waitFor((e) => e['event'] === 'ready', 120_000);
          await page.click('nav [data-screen="workers"]');
          const row = page.locator('[data-testid="workers"] tr[data-worker]').first();
          await row.waitFor({ timeout: 30_000 });
          const text = await row.innerText();
          assert(/cpu/.test(text) && /test-sdxl/.test(text) && /idle/.test(text) && /s ago/.test(text), `worker row shows provider, pack, job and heartbeat: ${text}`);
          await screenshot(page, 'workers-live');
        } finally {
          worker.kill('SIGINT');
          await worker.exited;
          rmSync(packDir, { recursive: true, force: true });
        }
        await page.click('nav [data-screen="settings"]');
        await card.waitFor({ timeout: 30_000 });
        await card.getByLabel('Send generation to workers').uncheck();
        await card.getByRole('button', { name: 'Save' }).click();
        await expectOkToast(page, 'Saved');
        await page.waitForSelector('[data-testid="distributed-state"]:has-text("off")', { timeout: 30_000 });
        if (errors.length) throw new Error(`console/page errors:\n      ${errors.join('\n      ')}`);
      } finally {
        await page.context().close();
        await server.stop();
        await s3.close();
        await redis.stop();
      }
    },
  },
];
