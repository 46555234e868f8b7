import { SCREENS } from '../../renderer/src/store/screens.ts';
import { assert, screenshot, type E2eSpec } from './harness.ts';

/** What each screen must show with an empty data folder (heading + its empty/unavailable state). */
const HEADINGS: Record<string, string> = {
  'new-batch': 'New batch',
  'brand-dna': 'Brand DNA',
  batches: 'Batches',
  'delta-reports': 'Delta reports',
  review: 'Review',
  library: 'Library',
  dashboard: 'Dashboard',
  settings: 'Settings',
  workers: 'Workers',
};

export const specs: E2eSpec[] = [
  {
    name: 'every screen renders its heading and settles (no spinner left), screenshots saved',
    async run(ctx) {
      const { page } = await ctx.open();
      for (const s of SCREENS) {
        await page.click(`nav [data-screen="${s.id}"]`);
        await page.waitForSelector(`[data-testid="screen-${s.id}"] h1:text-is("${HEADINGS[s.id]}")`);
        // Every request has answered (data, empty or an explained error): no loader left.
        await page.waitForFunction(() => !document.querySelector('.content .loading'), undefined, { timeout: 15_000 });
        assert(new URL(page.url()).hash === `#/${s.id}`, `hash should follow the screen, got ${page.url()}`);
        const text = await page.locator('main').innerText();
        assert(text.trim().length > 40, `${s.id}: screen looks empty: ${text}`);
        ctx.log(`${s.id}: ${await screenshot(page, s.id)}`);
      }
    },
  },
  {
    name: 'Alt+1..9 switches screens and the URL hash survives a reload',
    async run(ctx) {
      const { page } = await ctx.open();
      for (const s of SCREENS) {
        await page.keyboard.press(`Alt+${s.key}`);
        await page.waitForSelector(`[data-testid="screen-${s.id}"]`);
        const current = await page.locator('nav [aria-current="page"]').getAttribute('data-screen');
        assert(current === s.id, `Alt+${s.key} should select ${s.id}, nav shows ${current}`);
      }
      await page.reload();
      // The last screen pressed is the one the hash keeps.
      await page.waitForSelector(`[data-testid="screen-${SCREENS[SCREENS.length - 1]!.id}"]`);
    },
  },
  {
    name: 'keyboard focus is visible on the navigation and activates with Enter',
    async run(ctx) {
      const { page } = await ctx.open();
      await page.waitForSelector('[data-testid="screen-new-batch"] h1');
      await page.keyboard.press('Tab');
      const first = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el) return null;
        const cs = getComputedStyle(el);
        return { screen: el.dataset.screen ?? null, outline: cs.outlineStyle, width: cs.outlineWidth, focusVisible: el.matches(':focus-visible') };
      });
      assert(first?.screen === 'new-batch', `first Tab should land on the first nav item, got ${JSON.stringify(first)}`);
      assert(first.focusVisible && first.outline !== 'none' && first.width !== '0px', `focus ring not visible: ${JSON.stringify(first)}`);
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.waitForSelector('[data-testid="screen-brand-dna"]');
      await screenshot(page, 'focus-visible');
    },
  },
  {
    name: 'task grid: arrow keys move focus between cells, Enter opens the detail drawer, Escape closes it',
    async run(ctx) {
      const { page } = await ctx.open('&e2e=1', '#/batches');
      await page.waitForFunction(() => '__assetqlTest' in window);
      await page.evaluate(() => (window as unknown as { __assetqlTest: { seedTasks(n: number): void } }).__assetqlTest.seedTasks(60));
      const first = page.locator('[data-testid="task-grid"] [data-index="0"]');
      await first.focus();
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowDown');
      const cols = await page.evaluate(() => {
        const cells = [...document.querySelectorAll<HTMLElement>('[data-testid="task-grid"] [role="row"]:first-child [role="gridcell"]')];
        return cells.length;
      });
      const focused = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.index ?? null);
      assert(focused === String(1 + cols), `ArrowRight+ArrowDown from cell 0 should focus cell ${1 + cols}, focused ${focused}`);
      await page.keyboard.press('End');
      await page.waitForFunction(() => (document.activeElement as HTMLElement | null)?.dataset.index === '59');
      await page.keyboard.press('Enter');
      await page.waitForSelector('.drawer[role="dialog"]');
      await page.keyboard.press('Escape');
      await page.waitForSelector('.drawer[role="dialog"]', { state: 'detached' });
    },
  },
];
