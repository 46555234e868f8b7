import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { assert, expectOkToast, openPage, screenshot, startServer, type E2eContext, type E2eSpec, type ServerHandle, type WatchedPage } from './harness.ts';
import { seedTrustData } from './seed-data.ts';

// Issue 12 (bullets 2–5, 9): confirm + undo, Shift+A semantics, a 500-asset library scrolled to
// the end, exports without archived assets, a browser ZIP download, lightbox, token counter,
// add to references — on a data folder seeded by the real CLI (see seed-data.ts).
const COUNTS = { active: 500, archived: 40, deleted: 20, reviewPerBatch: 3 };

let seeded: Promise<ServerHandle> | null = null;
const server = (): Promise<ServerHandle> => (seeded ??= seedTrustData(COUNTS).then((dir) => startServer(dir)));
export async function teardown(): Promise<void> {
  if (seeded) await (await seeded).stop();
}

async function open(ctx: E2eContext, hash: string): Promise<WatchedPage> {
  const s = await server();
  const wp = await openPage(ctx.browser, `${s.url}${hash}`);
  // The runner only closes pages it opened itself: close ours when the spec ends.
  opened.push(wp);
  return wp;
}
const opened: WatchedPage[] = [];
async function closeAll(): Promise<string[]> {
  const errors = opened.flatMap((p) => p.errors);
  for (const p of opened.splice(0)) await p.page.context().close();
  return errors;
}
const spec = (name: string, run: (ctx: E2eContext) => Promise<void>): E2eSpec => ({
  name,
  async run(ctx) {
    let failure: unknown = null;
    try {
      await run(ctx);
    } catch (err) {
      failure = err;
    }
    const errors = await closeAll();
    if (failure) throw failure;
    if (errors.length) throw new Error(`console/page errors:\n      ${errors.join('\n      ')}`);
  },
});

const reviewRows = (page: Page) => page.locator('[aria-label="Review queue"] li');
const libraryCount = async (page: Page): Promise<{ total: number; loaded: number }> => {
  const el = page.getByTestId('library-count');
  return { total: Number(await el.getAttribute('data-total')), loaded: Number(await el.getAttribute('data-loaded')) };
};
async function waitCount(page: Page, total: number): Promise<void> {
  await page.waitForSelector(`[data-testid="library-count"][data-total="${total}"]`, { timeout: 15_000 });
}
async function focusInDialog(page: Page): Promise<boolean> {
  return page.evaluate(() => !!document.activeElement?.closest('[role="dialog"][aria-modal="true"]'));
}

/** Nothing on the screen may be wider than the window (clipped or overflowing controls). */
async function assertNoOverflow(page: Page, what: string): Promise<void> {
  const wide = await page.evaluate(() =>
    [...document.querySelectorAll('main button, main select, main input, main [data-testid="asset-tile"]')]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && (r.right > window.innerWidth + 1 || r.left < -1);
      })
      .map((el) => (el.textContent || el.getAttribute('aria-label') || el.tagName).trim().slice(0, 30)),
  );
  assert(wide.length === 0, `${what}: controls outside the window: ${wide.join(' | ')}`);
}

export const specs: E2eSpec[] = [
  spec('trust · review: Shift+A on a filtered queue asks first (count + scope), Cancel changes nothing, and it never touches other batches', async (ctx) => {
    const { page } = await open(ctx, '#/review');
    await page.waitForSelector('[data-testid="review-detail"]', { timeout: 60_000 });
    const total = await reviewRows(page).count();
    assert(total === 2 * COUNTS.reviewPerBatch, `seeded review queue should hold ${2 * COUNTS.reviewPerBatch} items, shows ${total}`);
    await page.getByTestId('review-batch-filter').selectOption({ label: 'Spring' });
    await page.waitForFunction((n) => document.querySelectorAll('[aria-label="Review queue"] li').length === n, COUNTS.reviewPerBatch);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Shift+A');
    const dialog = page.locator('[role="dialog"][aria-modal="true"]');
    await dialog.waitFor();
    const message = await page.getByTestId('confirm-message').innerText();
    assert(message.includes(`${COUNTS.reviewPerBatch} item`) && message.includes('Spring') && !message.includes('Autumn'), `confirmation must state count and scope: ${message}`);
    assert(await focusInDialog(page), 'focus must move into the confirmation');
    for (let i = 0; i < 5; i++) await page.keyboard.press('Tab');
    assert(await focusInDialog(page), 'Tab must not leave the confirmation (focus trap)');
    await page.keyboard.press('Shift+Tab');
    assert(await focusInDialog(page), 'Shift+Tab must not leave the confirmation');
    await screenshot(page, 'review-confirm-approve-all');
    await page.getByTestId('confirm-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('review-batch-filter').selectOption({ label: 'All batches' });
    assert((await reviewRows(page).count()) === total, 'Cancel must leave the queue untouched');

    await page.getByTestId('review-batch-filter').selectOption({ label: 'Spring' });
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Shift+A');
    await page.getByTestId('confirm-ok').click();
    await expectOkToast(page, `Approved ${COUNTS.reviewPerBatch} items`);
    await page.getByTestId('review-batch-filter').selectOption({ label: 'All batches' });
    await page.waitForFunction((n) => document.querySelectorAll('[aria-label="Review queue"] li').length === n, COUNTS.reviewPerBatch);
    const left = await page.locator('[aria-label="Review queue"] li .small.muted').allInnerTexts();
    assert(left.every((t) => t.includes('Autumn')), `only Spring may have been approved; left: ${left.join(', ')}`);
    // The approvals are in the library (and the other batch's are not).
    await page.reload();
    await page.waitForSelector('[data-testid="review-detail"]');
    assert((await reviewRows(page).count()) === COUNTS.reviewPerBatch, 'server state must match after reload');
  }),

  spec('trust · review: with a selection, Shift+A acts on the selection only; compare, lightbox with zoom, token counter', async (ctx) => {
    const { page } = await open(ctx, '#/review');
    await page.waitForSelector('[data-testid="review-detail"]', { timeout: 60_000 });
    const before = await reviewRows(page).count();
    assert(before >= 2, `need two review items, have ${before}`);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('x'); // select the item under the cursor (the first)
    const name = (await page.locator('[data-testid="review-detail"] h2').innerText()).trim();
    await page.keyboard.press('j');
    await page.keyboard.press('Shift+A');
    await expectOkToast(page, `Approved “${name}”`);
    await page.waitForFunction((n) => document.querySelectorAll('[aria-label="Review queue"] li').length === n, before - 1);

    // Side-by-side compare and the lightbox.
    await page.waitForSelector('[data-testid="review-compare"] figure img');
    const compareImgs = await page.locator('[data-testid="review-compare"] img').count();
    assert(compareImgs === 2, `compare shows the attempt and a reference side by side (${compareImgs} images)`);
    await page.locator('[data-testid="review-compare"] button.zoomable').first().click();
    await page.getByTestId('lightbox').waitFor();
    assert((await page.getByTestId('lightbox-zoom').innerText()).startsWith('fit'), 'the lightbox opens fitted');
    await page.keyboard.press('+');
    const zoomed = await page.getByTestId('lightbox-zoom').innerText();
    assert(zoomed.startsWith('150%'), `+ zooms in one step from 100 %: ${zoomed}`);
    const width = await page.locator('[data-testid="lightbox"] img').evaluate((img) => (img as HTMLImageElement).getBoundingClientRect().width);
    const natural = await page.locator('[data-testid="lightbox"] img').evaluate((img) => (img as HTMLImageElement).naturalWidth);
    assert(Math.abs(width - natural * 1.5) < 2, `150 % of ${natural}px should be ${natural * 1.5}px wide, is ${width}`);
    await screenshot(page, 'review-lightbox');
    await page.keyboard.press('Escape');
    await page.getByTestId('lightbox').waitFor({ state: 'detached' });

    // Token counter on the prompt editor.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('e');
    const long = Array.from({ length: 40 }, (_, i) => `ornate detailed item${i}`).join(', ');
    await page.getByTestId('rerun-prompt').fill(`watercolour style, ${long}, dramatic rim lighting`);
    const counter = page.locator('[data-testid="token-counter"][data-state="over"]');
    // Wait for the count of the text typed here (the item's own prompt was counted first).
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="token-counter"] [data-cut]')].some((e) => e.textContent === 'lighting'), undefined, { timeout: 15_000 });
    const cut = await counter.locator('[data-cut]').allInnerTexts();
    assert(cut.length > 0 && cut.includes('lighting'), `the words past the budget are shown as cut: ${cut.slice(-5).join(' ')}`);
    const kept = await counter.locator('span.muted').first().innerText();
    assert(kept === 'watercolour', `the first words are kept: ${kept}`);
    await screenshot(page, 'review-token-counter');
    await page.getByTestId('rerun-prompt').fill('a teal mug');
    await page.locator('[data-testid="token-counter"][data-state="ok"]').waitFor({ timeout: 15_000 });
  }),

  spec('trust · review: a single approve and a single reject are undone from their toast', async (ctx) => {
    const { page } = await open(ctx, '#/review');
    await page.waitForSelector('[data-testid="review-detail"]', { timeout: 60_000 });
    const before = await reviewRows(page).count();
    assert(before >= 1, 'need a review item');
    for (const [key, verb] of [['a', 'Approved'], ['r', 'Rejected']] as const) {
      const name = (await page.locator('[data-testid="review-detail"] h2').innerText()).trim();
      await page.locator('body').click({ position: { x: 5, y: 5 } });
      await page.keyboard.press(key);
      await expectOkToast(page, `${verb} “${name}”`);
      await page.waitForFunction((n) => document.querySelectorAll('[aria-label="Review queue"] li').length === n, before - 1);
      await page.locator('[data-testid="toast"]:has-text("' + verb + '") [data-testid="toast-action"]').click();
      await expectOkToast(page, 'Undone');
      await page.waitForFunction((n) => document.querySelectorAll('[aria-label="Review queue"] li').length === n, before, { timeout: 15_000 });
      const names = await page.locator('[aria-label="Review queue"] li .ellipsis > .ellipsis').allInnerTexts();
      assert(names.includes(name), `“${name}” is back in the queue after Undo: ${names.join(', ')}`);
    }
    await page.reload();
    await page.waitForSelector('[data-testid="review-detail"]');
    assert((await reviewRows(page).count()) === before, 'the server agrees after a reload: nothing was decided');
  }),

  spec('trust · library: 500 assets scroll to the end, the count equals the tiles reachable; arrows move, Escape closes the detail', async (ctx) => {
    const { page } = await open(ctx, '#/library');
    await page.waitForSelector('[data-testid="asset-tile"]');
    const { total } = await libraryCount(page);
    assert(total >= COUNTS.active, `header count ${total} should include the ${COUNTS.active} seeded active assets`);
    const grid = page.getByTestId('asset-grid');
    const seen = new Set<string>();
    for (let i = 0; i < 400; i++) {
      for (const id of await page.locator('[data-asset-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-asset-id') ?? ''))) seen.add(id);
      const atEnd = await grid.evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 2);
      const { loaded } = await libraryCount(page);
      if (atEnd && loaded >= total) break;
      await grid.evaluate((el) => el.scrollBy({ top: el.clientHeight * 0.8 }));
      await page.waitForTimeout(30);
    }
    for (const id of await page.locator('[data-asset-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-asset-id') ?? ''))) seen.add(id);
    ctx.log(`header ${total}, distinct tiles reached by scrolling ${seen.size}, DOM tiles ${await page.locator('[data-asset-id]').count()}`);
    assert(seen.size === total, `every counted asset must be reachable: counted ${total}, reached ${seen.size}`);
    assert((await page.locator('[data-asset-id]').count()) < 200, 'the grid is virtualised');
    await screenshot(page, 'library-scrolled-to-end');

    await grid.evaluate((el) => el.scrollTo({ top: 0 }));
    const first = page.locator('[data-testid="asset-tile"]').first();
    await first.click();
    await page.getByTestId('asset-detail').waitFor();
    const firstId = await first.getAttribute('data-asset-id');
    await first.focus();
    const focusMovesFrom = async (id: string | null): Promise<string | null> => {
      await page.waitForFunction((prev) => document.activeElement?.getAttribute('data-asset-id') !== prev, id, { timeout: 5000 });
      return page.evaluate(() => document.activeElement?.getAttribute('data-asset-id') ?? null);
    };
    const ids = await page.locator('[data-asset-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-asset-id')));
    const cols = await page.locator('[role="row"]').first().locator('[data-asset-id]').count();
    await page.keyboard.press('ArrowRight');
    const next = await focusMovesFrom(firstId);
    assert(next === ids[1], `ArrowRight moves focus to the next tile (${firstId} → ${next}, expected ${ids[1]})`);
    await page.keyboard.press('ArrowDown');
    const below = await focusMovesFrom(next);
    assert(below === ids[1 + cols], `ArrowDown moves focus one row (${cols} tiles) down: ${below}, expected ${ids[1 + cols]}`);
    await page.keyboard.press('Escape');
    await page.getByTestId('asset-detail').waitFor({ state: 'detached' });
  }),

  spec('trust · library: delete one asset and Undo it; delete several after a confirmation; undelete from the Deleted view', async (ctx) => {
    const { page } = await open(ctx, '#/library');
    await page.waitForSelector('[data-testid="asset-tile"]');
    const { total } = await libraryCount(page);
    await page.locator('[data-testid="asset-tile"]').nth(2).click();
    await page.getByTestId('delete-asset').click();
    await expectOkToast(page, 'Deleted');
    await waitCount(page, total - 1);
    await page.getByTestId('toast-action').first().click();
    await expectOkToast(page, 'Undone');
    await waitCount(page, total);

    const tiles = page.locator('[data-testid="asset-tile"]');
    await tiles.nth(4).click();
    await tiles.nth(5).click({ modifiers: ['Control'] });
    await tiles.nth(6).click({ modifiers: ['Control'] });
    await page.getByTestId('delete-selected').click();
    const message = await page.getByTestId('confirm-message').innerText();
    assert(message.includes('Delete 3 active asset(s)'), `the confirmation states count and scope: ${message}`);
    await screenshot(page, 'library-confirm-delete');
    await page.getByTestId('confirm-ok').click();
    await waitCount(page, total - 3);

    await page.getByLabel('State').selectOption('deleted');
    await waitCount(page, COUNTS.deleted + 3);
    await page.locator('[data-testid="asset-tile"]').first().click();
    await page.getByTestId('undelete-selected').click();
    await expectOkToast(page, 'Undelete');
    await waitCount(page, COUNTS.deleted + 2);
    await screenshot(page, 'library-deleted-view');
    await page.getByLabel('State').selectOption('active');
    await waitCount(page, total - 2);
  }),

  spec('trust · export: a browser download of the Active filter is a ZIP unzip -t accepts, without archived assets', async (ctx) => {
    const { page } = await open(ctx, '#/library');
    await page.waitForSelector('[data-testid="asset-tile"]');
    const { total } = await libraryCount(page);
    await page.getByTestId('open-export').click();
    const scope = await page.getByTestId('export-scope').innerText();
    assert(scope.includes(`All ${total}`) && scope.includes('active'), `the dialog states what will be exported: ${scope}`);
    const dir = mkdtempSync(join(tmpdir(), 'assetql-e2e-dl-'));
    try {
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('start-export').click()]);
      const file = join(dir, download.suggestedFilename());
      await download.saveAs(file);
      await page.waitForSelector('[data-testid="export-progress"][data-state="done"]', { timeout: 60_000 });
      await screenshot(page, 'export-download-done');
      const test = execFileSync('unzip', ['-t', file], { encoding: 'utf8' });
      assert(test.includes('No errors detected'), `unzip -t: ${test.slice(-300)}`);
      const entries = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).trim().split('\n');
      const images = entries.filter((e) => e.startsWith('images/'));
      assert(images.length === total, `the ZIP holds exactly the ${total} active assets (has ${images.length})`);
      const meta = JSON.parse(execFileSync('unzip', ['-p', file, 'metadata.json'], { encoding: 'utf8', maxBuffer: 64 << 20 })) as { items: { assetId: string }[] };
      ctx.log(`download: ${download.suggestedFilename()}, ${images.length} images`);
      // Archived assets are the 40 seeded after the 500 active ones: none may be in the ZIP.
      await page.keyboard.press('Escape');
      await page.getByLabel('State').selectOption('archived');
      await waitCount(page, COUNTS.archived);
      const archivedIds = await page.locator('[data-asset-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-asset-id')));
      const exported = new Set(meta.items.map((i) => i.assetId));
      assert(archivedIds.length > 0 && archivedIds.every((id) => id && !exported.has(id)), 'no archived asset may be exported under the Active filter');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }),

  spec('trust · layout: review, library with detail and the export dialog hold at 1024×700 and 1920×1080', async (ctx) => {
    for (const [w, h] of [[1024, 700], [1920, 1080]] as const) {
      const { page } = await open(ctx, '#/review');
      await page.setViewportSize({ width: w, height: h });
      await page.waitForSelector('[data-testid="review-detail"]', { timeout: 60_000 });
      await assertNoOverflow(page, `review ${w}×${h}`);
      await screenshot(page, `trust-review-${w}x${h}`);
      await page.keyboard.press('Alt+6');
      await page.waitForSelector('[data-testid="asset-tile"]');
      await page.locator('[data-testid="asset-tile"]').first().click();
      await page.getByTestId('asset-detail').waitFor();
      await assertNoOverflow(page, `library ${w}×${h}`);
      await screenshot(page, `trust-library-detail-${w}x${h}`);
      await page.keyboard.press('Escape');
      await page.getByTestId('open-export').click();
      await page.locator('.modal').waitFor();
      await assertNoOverflow(page, `export dialog ${w}×${h}`);
      await screenshot(page, `trust-export-${w}x${h}`);
    }
  }),

  spec('trust · add to references: an approved asset becomes a new profile version, and Brand DNA shows what changed', async (ctx) => {
    const { page } = await open(ctx, '#/library');
    await page.waitForSelector('[data-testid="asset-tile"]');
    // Newest first: the review approvals of the first spec lead the grid (the synthetic library is older).
    await page.locator('[data-testid="asset-tile"]').first().click();
    await page.getByTestId('add-to-refs').click();
    const text = await expectOkToast(page, 'now version 2', 120_000);
    ctx.log(text);
    await page.keyboard.press('Alt+2');
    await page.waitForSelector('[data-testid="version-history"]', { timeout: 30_000 });
    const history = await page.getByTestId('version-history').innerText();
    assert(history.includes('v2') && history.includes('Reference added from the library'), `history shows the new version: ${history.slice(0, 200)}`);
    await page.getByTestId('version-history').scrollIntoViewIfNeeded();
    await screenshot(page, 'brand-dna-version-history');
  }),
];
