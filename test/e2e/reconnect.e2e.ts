import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { e2eBatchFiles } from '../fixtures/e2e-data.ts';
import { dropFiles } from './drop.ts';
import { assert, expectOkToast, openPage, screenshot, startServer, type E2eSpec } from './harness.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Errors a killed server causes by design (refused WebSocket/HTTP); anything else still fails the spec. */
const EXPECTED_WHILE_DOWN = /WebSocket|ERR_CONNECTION_REFUSED|ERR_CONNECTION_RESET|ERR_EMPTY_RESPONSE|net::ERR_/;

/**
 * Issue 12 bullet 6: the server is killed mid-batch and restarted. The browser UI shows
 * "connection lost — reconnecting", the Batches screen stops claiming "running, ETA …", an
 * action taken while down is held and sent once after the reconnect, and no request is ever
 * sent twice (every request id on the wire is unique across both sockets).
 */
export const specs: E2eSpec[] = [
  {
    name: 'server killed and restarted mid-batch: indicator shown, no stale ETA, held action sent once, no duplicate request',
    async run(ctx) {
      const token = randomBytes(30).toString('base64url');
      const port = await freePort();
      let server = await startServer({ port, token, keepData: true });
      const dataDir = server.dataDir;
      const files = await e2eBatchFiles();
      const { page, errors } = await openPage(ctx.browser, `${server.url}#/settings`);
      const sent: { id: number; name: string }[] = [];
      page.on('websocket', (ws) =>
        ws.on('framesent', (f) => {
          const msg = JSON.parse(String(f.payload)) as { t: string; id: number; name: string };
          if (msg.t === 'req') sent.push({ id: msg.id, name: msg.name });
        }),
      );
      try {
        await page.getByRole('button', { name: 'Create test packs' }).click();
        await expectOkToast(page, 'test pack');
        await page.keyboard.press('Alt+1');
        await dropFiles(page, '[data-testid="csv-drop"]', [files.csv]);
        await page.waitForSelector('[data-testid="csv-report"]', { timeout: 30_000 });
        await dropFiles(page, '[data-testid="refs-drop"]', files.refs);
        await page.waitForFunction((n) => document.querySelectorAll('.ref-list .ref').length === n && !document.body.innerText.includes('checking…'), files.refs.length, { timeout: 30_000 });
        if (files.template) {
          await page.locator('.seg-opt:has-text("template")').click();
          await page.getByLabel('Prompt template').fill(files.template);
        }
        await page.getByTestId('start-batch').click();
        await page.waitForSelector('.batch-item.active .badge:text-is("running")', { timeout: 60_000 });
        await page.waitForSelector('[data-testid="task-grid"] [data-state="ready"], [data-testid="task-grid"] [data-state="dlq"]', { timeout: 120_000 });

        await server.kill();
        await page.waitForSelector('[data-testid="connection-lost"]', { timeout: 15_000 });
        const eta = await page.locator('.batch-item.active [data-testid="batch-eta"]').innerText();
        assert(eta === 'last known', `with the server down the list must not claim an ETA, shows "${eta}"`);
        const badge = await page.locator('.batch-item.active .badge').last().innerText();
        assert(badge === 'running?', `state reads as last known, shows "${badge}"`);
        await screenshot(page, 'connection-lost');
        // An action while down is held, not failed and not lost.
        const before = sent.length;
        await page.getByRole('button', { name: '❚❚ Pause' }).click();
        await page.waitForSelector('[data-testid="connection-lost"]:has-text("1 action(s) wait")');
        assert(sent.length === before, 'a held request must not be on the wire while the link is down');

        server = await startServer({ port, token, dataDir, keepData: true });
        await page.waitForSelector('[data-testid="connection-lost"]', { state: 'detached', timeout: 20_000 });
        await expectOkToast(page, 'paused', 30_000).catch(async () => {
          // The toast may already be gone; the batch state is the proof.
          await page.waitForSelector('.batch-item.active .badge:text-is("paused")', { timeout: 15_000 });
        });
        const pauses = sent.filter((m) => m.name === 'batches.pause');
        assert(pauses.length === 1, `the held Pause must be sent exactly once, was sent ${pauses.length} time(s)`);
        const ids = sent.map((m) => m.id);
        assert(new Set(ids).size === ids.length, `a request id went on the wire twice: ${ids.join(',')}`);
        const unexpected = errors.filter((e) => !EXPECTED_WHILE_DOWN.test(e));
        if (unexpected.length) throw new Error(`console/page errors:\n      ${unexpected.join('\n      ')}`);
        ctx.log(`${sent.length} requests on the wire across 2 server lives, all ids unique`);
      } finally {
        await page.context().close();
        await server.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  },
];
