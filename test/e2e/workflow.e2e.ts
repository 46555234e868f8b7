import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2eBatchFiles } from '../fixtures/e2e-data.ts';
import { dropFiles } from './drop.ts';
import { assert, expectOkToast, screenshot, type E2eSpec } from './harness.ts';

/**
 * The production workflow through the real UI on tiny test packs: create test packs, drop a CSV
 * and references, start a batch, watch it finish, triage a review item, search the library,
 * export a ZIP. Screenshots of each screen with real data.
 */
export const specs: E2eSpec[] = [
  {
    name: 'workflow: drop files → batch completes → review → library search → ZIP export',
    async run(ctx) {
      const files = await e2eBatchFiles();
      ctx.log(`batch files from ${files.source}: ${files.csv.name} + ${files.refs.length} reference(s)`);
      const { page } = await ctx.open('', '#/settings');

      await page.getByRole('button', { name: 'Create test packs' }).click();
      await expectOkToast(page, 'test pack');
      await page.waitForSelector('[data-testid="model-packs"] table');
      await screenshot(page, 'settings');

      await page.keyboard.press('Alt+1');
      await dropFiles(page, '[data-testid="csv-drop"]', [files.csv]);
      await page.waitForSelector('[data-testid="csv-report"], [data-testid="csv-card"] .error-state', { timeout: 30_000 });
      const csvError = await page.locator('[data-testid="csv-card"] .error-state').count();
      if (csvError > 0) throw new Error(`CSV intake failed in the UI: ${await page.locator('[data-testid="csv-card"]').innerText()}`);
      await dropFiles(page, '[data-testid="refs-drop"]', files.refs);
      await page.waitForFunction((n) => document.querySelectorAll('.ref-list .ref').length === n && !document.body.innerText.includes('checking…'), files.refs.length, { timeout: 30_000 });
      if (files.template) {
        await page.locator('.seg-opt:has-text("template")').click();
        await page.getByLabel('Prompt template').fill(files.template);
      }
      // The form offers only the test pack's own size; 2 steps and no style retries keep it quick on CPU.
      await page.getByLabel('Steps').fill('2');
      await page.getByLabel('Style retries').fill('0');
      await page.waitForSelector('[data-testid="preview-card"] .prompt-list li', { timeout: 30_000 });
      await page.getByLabel('Batch name').fill('E2E batch');
      await screenshot(page, 'new-batch');
      await page.getByTestId('start-batch').click();
      await page.waitForSelector('[data-testid="screen-batches"], .start-bar .bad-text', { timeout: 30_000 });
      const startProblem = await page.locator('.start-bar .bad-text').count();
      if (startProblem > 0) throw new Error(`batch did not start: ${await page.locator('.start-bar').innerText()}`);

      await page.waitForSelector('[data-testid="screen-batches"] [data-testid="task-grid"]', { timeout: 30_000 });
      await page.waitForSelector('.batch-item.active .badge:text-is("done")', { timeout: 240_000 });
      await page.locator('[data-testid="task-grid"] [role="gridcell"]').first().click();
      await page.waitForSelector('.drawer .attempt', { timeout: 30_000 });
      await screenshot(page, 'batches');
      await page.keyboard.press('Escape');

      await page.keyboard.press('Alt+5');
      await page.waitForFunction(() => !document.querySelector('.content .loading'));
      const reviewItems = await page.locator('[aria-label="Review queue"] li').count();
      ctx.log(`review queue: ${reviewItems} item(s)`);
      if (reviewItems > 0) {
        await page.waitForSelector('[data-testid="review-detail"]');
        await screenshot(page, 'review');
        await page.keyboard.press('a');
        await expectOkToast(page, 'Approved');
        const left = await page.locator('[aria-label="Review queue"] li').count();
        assert(left === reviewItems - 1, `approving with "a" should remove one item (${reviewItems} → ${left})`);
      }

      await page.keyboard.press('Alt+6');
      await page.waitForSelector('[data-testid="asset-tile"]', { timeout: 30_000 });
      const firstName = (await page.locator('[data-testid="asset-tile"] .cell-meta .ellipsis').first().innerText()).trim();
      await page.getByLabel('Search the library').fill(firstName);
      await page.waitForFunction((n) => [...document.querySelectorAll('[data-testid="asset-tile"]')].some((t) => t.textContent?.includes(n)), firstName, { timeout: 15_000 });
      await page.locator('[data-testid="asset-tile"]').first().click();
      await page.waitForSelector('[data-testid="asset-detail"] .full-image img');
      await screenshot(page, 'library');

      const outDir = mkdtempSync(join(tmpdir(), 'assetql-e2e-export-'));
      try {
        await page.getByLabel('Search the library').fill('');
        await page.getByTestId('open-export').click();
        // The browser UI offers the ZIP as a download (writing to the server's disk needs an export root).
        const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('start-export').click()]);
        await download.saveAs(join(outDir, download.suggestedFilename()));
        await page.waitForSelector('[data-testid="export-progress"][data-state="done"]', { timeout: 60_000 });
        await screenshot(page, 'export-dialog');
        const zips = readdirSync(outDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.zip'));
        assert(zips.length === 1 && existsSync(join(outDir, zips[0] ?? '')), `expected one ZIP in ${outDir}, found ${JSON.stringify(zips)}`);
        await page.keyboard.press('Escape');
      } finally {
        rmSync(outDir, { recursive: true, force: true });
      }

      for (const [key, id] of [['2', 'brand-dna'], ['4', 'delta-reports'], ['7', 'dashboard']] as const) {
        await page.keyboard.press(`Alt+${key}`);
        await page.waitForSelector(`[data-testid="screen-${id}"] h1`);
        await page.waitForFunction(() => !document.querySelector('.content .loading'), undefined, { timeout: 15_000 });
        await screenshot(page, id);
      }
    },
  },
];
