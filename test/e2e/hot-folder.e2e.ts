import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, assert, expectOkToast, openPage, screenshot, startServer, type E2eSpec } from './harness.ts';

const EXAMPLES = join(ROOT, 'resources/examples');

/**
 * Issue 12 bullet 7: the README example dropped into the hot folder runs on the installed
 * pack, and the drop and its result (a batch link) appear in the UI.
 */
export const specs: E2eSpec[] = [
  {
    name: 'hot folder: the README example dropped in starts a batch, listed in Settings with a link',
    async run(ctx) {
      const server = await startServer();
      const hot = mkdtempSync(join(tmpdir(), 'assetql-e2e-hot-'));
      const { page, errors } = await openPage(ctx.browser, `${server.url}#/settings`);
      try {
        await page.getByRole('button', { name: 'Create test packs' }).click();
        await expectOkToast(page, 'test pack');
        await page.getByLabel('Hot folder path').fill(hot);
        await page.locator('fieldset:has(legend:text-is("Hot folder")) input[type="checkbox"]').check();
        await page.getByRole('button', { name: 'Save settings' }).click();
        await expectOkToast(page, 'Settings saved');
        await page.waitForSelector(`[data-testid="hot-folder-drops"] [role="status"]:has-text("Watching")`, { timeout: 15_000 });
        // The README layout: references and template first, the CSV last.
        cpSync(join(EXAMPLES, 'fantasy-items'), join(hot, 'fantasy-items'), { recursive: true });
        cpSync(join(EXAMPLES, 'fantasy-items.template.txt'), join(hot, 'fantasy-items.template.txt'));
        cpSync(join(EXAMPLES, 'fantasy-items.csv'), join(hot, 'fantasy-items.csv'));
        const item = page.locator('[data-testid="hot-folder-drops"] li').first();
        await item.waitFor({ timeout: 90_000 });
        const text = await item.innerText();
        assert((await item.getAttribute('data-state')) === 'started', `the drop should start a batch: ${text}`);
        assert(existsSync(join(hot, 'done', 'fantasy-items.csv')), 'the CSV moves to done/');
        await screenshot(page, 'hot-folder-drops');
        await item.getByRole('button', { name: 'Open batch' }).click();
        await page.waitForSelector('[data-testid="screen-batches"] .batch-item.active:has-text("fantasy-items")', { timeout: 15_000 });
        const meta = await page.locator('.batch-item.active .batch-meta').innerText();
        assert(/test-sdxl/.test(meta), `the drop runs on the installed test pack: ${meta}`);
        // A bad drop is listed with its reason, not only as failed/x.error.txt.
        cpSync(join(EXAMPLES, 'fantasy-items.csv'), join(hot, 'no-refs.csv'));
        await page.keyboard.press('Alt+8');
        await page.waitForSelector('[data-testid="hot-folder-drops"] li[data-state="failed"]', { timeout: 60_000 });
        const bad = await page.locator('[data-testid="hot-folder-drops"] li[data-state="failed"]').innerText();
        assert(/no style references/.test(bad), `failure reason shown: ${bad}`);
        if (errors.length) throw new Error(`console/page errors:\n      ${errors.join('\n      ')}`);
      } finally {
        await page.context().close();
        await server.stop();
        rmSync(hot, { recursive: true, force: true });
      }
    },
  },
];
