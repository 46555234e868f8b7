import { e2eBatchFiles } from '../fixtures/e2e-data.ts';
import { dropFiles } from './drop.ts';
import { assert, expectOkToast, screenshot, type E2eSpec } from './harness.ts';

export const specs: E2eSpec[] = [
  {
    name: 'brand DNA: drop references → profile with palette and parameters; lock a parameter and save',
    async run(ctx) {
      const files = await e2eBatchFiles();
      const { page } = await ctx.open('', '#/brand-dna');
      await page.getByRole('button', { name: '+ New profile' }).click();
      await page.getByLabel('Profile name').fill('E2E brand');
      await dropFiles(page, '[data-testid="profile-refs"]', files.refs);
      await page.getByRole('button', { name: 'Extract brand DNA' }).click();
      await page.waitForSelector('.palette li, [data-testid="toast"].tone-bad', { timeout: 60_000 });
      const failed = await page.locator('[data-testid="toast"].tone-bad').count();
      assert(failed === 0, `profile creation failed: ${await page.locator('[data-testid="toast"]').first().innerText().catch(() => '')}`);
      const swatches = await page.locator('.palette li').count();
      assert(swatches >= 2, `expected a palette of several colours, got ${swatches}`);
      const refs = await page.locator('.ref-strip img').count();
      assert(refs === files.refs.length, `expected ${files.refs.length} reference images, got ${refs}`);
      await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.ref-strip img')].every((i) => i.complete && i.naturalWidth > 0));
      const params = await page.locator('.param').count();
      assert(params > 0, 'expected composition/texture/lighting parameters');
      await screenshot(page, 'brand-dna');

      await page.locator('.param .lock').first().click();
      await page.getByRole('button', { name: 'Save as new version' }).click();
      await expectOkToast(page, 'Saved');
      // The new version is what the profile list shows now (not the old v1).
      await page.waitForSelector('[aria-label="Profiles"] .batch-item.active:has-text("v2")', { timeout: 15_000 });
    },
  },
];
