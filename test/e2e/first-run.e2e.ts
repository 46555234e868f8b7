import type { Page } from 'playwright-core';
import { SCREENS } from '../../renderer/src/store/screens.ts';
import { TASK_STATUSES } from '../../preload/api.ts';
import { e2eBatchFiles } from '../fixtures/e2e-data.ts';
import { dropFiles } from './drop.ts';
import { SIZES, checkAtAllSizes, layoutProblems } from './a11y.ts';
import { assert, expectOkToast, openPage, screenshot, startServer, type E2eSpec, type ServerHandle, type WatchedPage } from './harness.ts';

/**
 * Issue 12: the README's quick start in the app from an EMPTY data folder (its own server),
 * batch management on the batch it made (cancel confirmation, run again, rename, delete), then
 * every screen at 1024×700, 1280×800 and 1920×1080 with that data: screenshots, axe-core, layout checks.
 */
let server: ServerHandle | null = null;
let watched: WatchedPage | null = null;

async function ownPage(ctx: Parameters<E2eSpec['run']>[0]): Promise<Page> {
  server ??= await startServer();
  // e2e=1: the test hooks, to read every tile of the (virtualised) grid from the page's store.
  if (!watched) watched = await openPage(ctx.browser, `${server.url}&e2e=1`);
  return watched.page;
}

async function settle(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('.content .loading'), undefined, { timeout: 20_000 });
}

/** What the Batches screen shows for one batch, read in ONE evaluate (one page state). */
interface BatchScreen {
  cards: { status: string; label: string; count: number }[];
  line: string;
  rerun: { text: string; count: number };
  /** Every tile as the grid renders it (the store behind the virtualised grid)… */
  tiles: { status: string; label: string }[];
  /** …and the tiles in the DOM now, by row index (they must match the store). */
  rendered: { index: number; status: string; label: string }[];
}

// A script string, not a function: tsx would add its __name helper, which the page lacks.
const READ_BATCH_SCREEN = (batchId: string): string => `(() => {
  const cards = [...document.querySelectorAll('dl.counts > div[data-status]')]
    .filter((el) => el.dataset.status !== 'total' && el.dataset.status !== 'eta')
    .map((el) => ({ status: el.dataset.status, label: el.querySelector('dt').textContent.trim(), count: Number(el.querySelector('dd').textContent) }));
  const button = document.querySelector('[data-testid="rerun-rows"]');
  const rendered = [...document.querySelectorAll('[data-testid="task-grid"] [role="gridcell"]')]
    .map((el) => ({ index: Number(el.dataset.index), status: el.dataset.status, label: el.querySelector('.cell-state').textContent.trim() }));
  return {
    cards,
    line: document.querySelector('.batch-item.active [data-testid="batch-line"]').textContent.trim(),
    rerun: { text: button.textContent.trim(), count: Number(button.dataset.count) },
    tiles: window.__assetqlTest.tiles(${JSON.stringify(batchId)}),
    rendered,
  };
})()`;

async function readBatchScreen(page: Page, batchId: string): Promise<BatchScreen> {
  return page.evaluate(READ_BATCH_SCREEN(batchId)) as Promise<BatchScreen>;
}

/** Every way the screen could disagree with itself: tiles vs cards, list line, Re-run button, DOM vs store. */
function batchScreenProblems(s: BatchScreen): string[] {
  const problems: string[] = [];
  const tilesIn = (status: string) => s.tiles.filter((t) => t.status === status);
  for (const c of s.cards) {
    if (tilesIn(c.status).length !== c.count) problems.push(`${c.label} card says ${c.count}, ${tilesIn(c.status).length} tile(s) are ${c.status}`);
    for (const t of tilesIn(c.status)) if (t.label !== c.label) problems.push(`a ${c.status} tile reads "${t.label}", its card "${c.label}"`);
  }
  for (const t of s.tiles) if (!s.cards.some((c) => c.status === t.status)) problems.push(`a tile is ${t.status} ("${t.label}") but no card counts it`);
  const rerunTiles = s.tiles.filter((t) => TASK_STATUSES.some((x) => x.rerun && x.status === t.status)).length;
  const shown = Number(/Re-run (\d+)/.exec(s.rerun.text)?.[1]);
  if (shown !== rerunTiles || s.rerun.count !== rerunTiles) problems.push(`"${s.rerun.text}" but ${rerunTiles} tile(s) are ${TASK_STATUSES.filter((x) => x.rerun).map((x) => x.label).join('/')}`);
  // "Ready 3/36 · Needs review 2": every label in the line matches its card.
  for (const part of s.line.split(' · ')) {
    const m = /^(.*) (\d+)(?:\/(\d+))?$/.exec(part);
    const card = s.cards.find((c) => c.label === m?.[1]);
    if (!m || !card) problems.push(`list line part "${part}" names no card`);
    else if (Number(m[2]) !== card.count || (m[3] !== undefined && Number(m[3]) !== s.tiles.length)) problems.push(`list line "${part}" vs card ${card.label} ${card.count} of ${s.tiles.length}`);
  }
  for (const r of s.rendered) {
    const t = s.tiles[r.index];
    if (!t || t.status !== r.status || t.label !== r.label) problems.push(`tile #${r.index} shows ${r.status} "${r.label}", the store has ${t?.status} "${t?.label}"`);
  }
  return problems;
}

export const specs: E2eSpec[] = [
  {
    name: 'first run: empty data folder says no model is installed; README four clicks start the batch',
    async run(ctx) {
      const page = await ownPage(ctx);
      const files = await e2eBatchFiles();
      // First launch lands on New batch and says there is no model, offering both paths.
      await page.waitForSelector('[data-testid="first-run"]', { timeout: 30_000 });
      const panel = await page.locator('[data-testid="first-run"]').innerText();
      assert(/No image model is installed/.test(panel) && /Download a real pack/.test(panel) && /Create test packs/.test(panel), `first-run panel: ${panel}`);
      await screenshot(page, 'first-run');

      // Click 1: Settings → Model packs → Create test packs (exactly as the README says).
      await page.keyboard.press('Alt+8');
      await page.getByRole('button', { name: 'Create test packs' }).click();
      await expectOkToast(page, 'test pack');
      // Click 2: New batch; the first-run panel is gone and the form offers the test pack's size only.
      await page.keyboard.press('Alt+1');
      await page.waitForSelector('[data-testid="first-run"]', { state: 'detached' });
      const sizes = await page.getByLabel('Size').locator('option').allInnerTexts();
      assert(sizes.length === 1 && sizes[0] !== '1024×1024', `the test pack allows one small size, the form offers ${JSON.stringify(sizes)}`);
      // Click 3: drop the CSV and the three images; paste the template.
      await dropFiles(page, '[data-testid="csv-drop"]', [files.csv]);
      await page.waitForSelector('[data-testid="csv-report"]', { timeout: 30_000 });
      await dropFiles(page, '[data-testid="refs-drop"]', files.refs);
      await page.waitForFunction((n) => document.querySelectorAll('.ref-list .ref').length === n && !document.body.innerText.includes('checking…'), files.refs.length, { timeout: 30_000 });
      if (files.template) {
        await page.locator('.seg-opt:has-text("template")').click();
        await page.getByLabel('Prompt template').fill(files.template);
      }
      // Click 4: Start batch — nothing else touched (size, steps, name all as the form offers them).
      await page.getByTestId('start-batch').click();
      await page.waitForSelector('[data-testid="screen-batches"], .start-bar .bad-text', { timeout: 60_000 });
      const refused = await page.locator('.start-bar .bad-text').count();
      if (refused) throw new Error(`Start batch refused: ${await page.locator('.start-bar').innerText()}`);
      await page.waitForSelector('.batch-item.active', { timeout: 30_000 });
      const meta = await page.locator('.batch-item.active .batch-meta').innerText();
      assert(/test-sdxl/.test(meta), `batch list shows the pack: ${meta}`);
      // Rows finish: at least one ready or in review.
      await page.waitForSelector('[data-testid="task-grid"] [data-status="ready"], [data-testid="task-grid"] [data-status="review"]', { timeout: 240_000 });
      // Tiles, counter cards, the list line and the Re-run button read as one, right before and
      // right after the screenshot (the batch keeps running): each reading must add up.
      const batchId = (await page.locator('.batch-item.active').getAttribute('data-batch-id')) ?? '';
      const before = await readBatchScreen(page, batchId);
      await screenshot(page, 'four-clicks-running');
      const after = await readBatchScreen(page, batchId);
      for (const [when, screen] of [['before', before], ['after', after]] as const) {
        const problems = batchScreenProblems(screen);
        assert(problems.length === 0, `the Batches screen disagrees with itself ${when} the screenshot:\n      ${problems.join('\n      ')}\n      ${JSON.stringify(screen.cards)} · "${screen.line}" · "${screen.rerun.text}"`);
      }
      const layout = await layoutProblems(page);
      assert(layout.length === 0, `layout at 1280×800 mid-run:\n      ${layout.join('\n      ')}`);
    },
  },
  {
    name: 'batch management: cancel asks with count and scope; run again, rename, delete',
    async run(ctx) {
      const page = await ownPage(ctx);
      await page.keyboard.press('Alt+3');
      await page.waitForSelector('.batch-item.active', { timeout: 30_000 });
      const state = await page.locator('.batch-item.active .badge').last().innerText();
      if (state === 'running') {
        await page.getByTestId('cancel-batch').click();
        const msg = await page.getByTestId('confirm-message').innerText();
        assert(/unfinished row\(s\)/.test(msg) && /Only this batch/.test(msg), `confirmation states count and scope: ${msg}`);
        // Focus starts on the safe button; Escape keeps the batch.
        const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
        assert(focused === 'confirm-cancel', `focus should start on Cancel, is on ${focused}`);
        await page.keyboard.press('Escape');
        await page.waitForSelector('[data-testid="confirm-message"]', { state: 'detached' });
        assert((await page.locator('.batch-item.active .badge').last().innerText()) === 'running', 'Escape must not cancel');
        await page.getByTestId('cancel-batch').click();
        await screenshot(page, 'confirm-cancel');
        await page.getByTestId('confirm-ok').click();
        await page.waitForSelector('.batch-item.active .badge:text-is("cancelled")', { timeout: 30_000 });
      }
      // Run again with changes: a new batch of the failed rows with new seeds, as a draft.
      await page.getByRole('button', { name: 'Run again…' }).click();
      await page.waitForSelector('[data-testid="run-again-dialog"]');
      await page.getByLabel('New batch name').fill('Again from e2e');
      await page.getByLabel('Start it right away').uncheck();
      await screenshot(page, 'run-again');
      await page.getByRole('button', { name: 'Create draft' }).click();
      await expectOkToast(page, 'Again from e2e');
      await page.waitForSelector('.batch-item.active:has-text("Again from e2e") .badge:text-is("draft")');
      // Rename it (Enter saves).
      await page.getByRole('button', { name: 'Rename' }).click();
      await page.getByLabel('Batch name').fill('Renamed in e2e');
      await page.keyboard.press('Enter');
      await page.waitForSelector('.batch-item.active:has-text("Renamed in e2e")');
      // Delete it: the dialog says what goes and what stays.
      await page.getByTestId('delete-batch').click();
      const text = await page.getByTestId('delete-batch-dialog').innerText();
      assert(/cannot be undone/.test(text) && /stay in the library/.test(text), `delete dialog: ${text}`);
      await page.getByTestId('confirm-delete-batch').click();
      await page.waitForSelector('.batch-item:has-text("Renamed in e2e")', { state: 'detached' });
    },
  },
  {
    name: 'every screen at 1024×700, 1280×800 and 1920×1080: screenshots, axe (no serious/critical), nothing clipped or overlapping',
    async run(ctx) {
      const page = await ownPage(ctx);
      const failures: string[] = [];
      try {
        for (const s of SCREENS) {
          await page.keyboard.press(`Alt+${s.key}`);
          await page.waitForSelector(`[data-testid="screen-${s.id}"] h1`);
          await settle(page);
          const title = await page.title();
          assert(title.includes('AssetQL') && title !== 'AssetQL', `${s.id}: the window title names the screen, got "${title}"`);
          failures.push(...(await checkAtAllSizes(page, s.id)));
        }
        // A dialog and a drawer too: focus trapped inside, returned after.
        await page.keyboard.press('Alt+3');
        await page.waitForSelector('.batch-item');
        await page.getByRole('button', { name: 'Run again…' }).focus();
        await page.keyboard.press('Enter');
        await page.waitForSelector('[data-testid="run-again-dialog"]');
        for (let i = 0; i < 12; i++) await page.keyboard.press('Tab');
        const inside = await page.evaluate(() => !!document.activeElement?.closest('[data-testid="run-again-dialog"]'));
        assert(inside, 'Tab must stay inside the open dialog');
        failures.push(...(await checkAtAllSizes(page, 'dialog-run-again')));
        await page.keyboard.press('Escape');
        const back = await page.evaluate(() => document.activeElement?.textContent?.trim());
        assert(back === 'Run again…', `focus should return to the button that opened the dialog, is on "${back}"`);
      } finally {
        await page.setViewportSize({ width: 1280, height: 800 });
      }
      if (failures.length) throw new Error(`${failures.length} problem(s):\n      ${failures.join('\n      ')}`);
      ctx.log(`checked ${SCREENS.length} screens + 1 dialog at ${SIZES.length} sizes`);
    },
  },
  {
    name: 'first-run server cleanup',
    async run(ctx) {
      const errors = watched?.errors ?? [];
      await watched?.page.context().close();
      watched = null;
      await server?.stop();
      server = null;
      ctx.log('stopped the first-run server');
      if (errors.length) throw new Error(`console/page errors on the first-run page:\n      ${errors.join('\n      ')}`);
    },
  },
];
