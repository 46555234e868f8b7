import { assert, screenshot, type E2eSpec } from './harness.ts';

interface Hooks {
  seedTasks(n: number): void;
  startUpdates(perSecond: number): void;
  stopUpdates(): number;
  measureFrames(ms: number): Promise<number[]>;
}
declare const window: { __assetqlTest: Hooks };

function summarise(times: number[]): { frames: number; p50: number; p95: number; max: number; over50: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { frames: times.length, p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] ?? NaN, over50: times.filter((t) => t > 50).length };
}

async function measure(ctx: Parameters<E2eSpec['run']>[0], perSecond: number, shot: string | null) {
  const { page } = await ctx.open('&e2e=1', '#/batches');
  await page.waitForFunction(() => '__assetqlTest' in window);
  await page.evaluate(() => window.__assetqlTest.seedTasks(500));
  await page.waitForSelector('[data-testid="task-grid"] [role="gridcell"]');
  await page.evaluate((n) => window.__assetqlTest.startUpdates(n), perSecond);
  await page.waitForTimeout(500); // let the first wave of updates land before measuring
  const times = await page.evaluate(() => window.__assetqlTest.measureFrames(5000));
  // Scroll half-way while updates keep arriving: virtualisation must keep up too.
  await page.locator('[data-testid="task-grid"]').evaluate((el) => el.scrollTo({ top: el.scrollHeight / 2 }));
  const scrolled = await page.evaluate(() => window.__assetqlTest.measureFrames(1500));
  const sent = await page.evaluate(() => window.__assetqlTest.stopUpdates());
  if (shot) await screenshot(page, shot);
  const cells = await page.locator('[data-testid="task-grid"] [role="gridcell"]').count();
  const s = summarise([...times, ...scrolled]);
  ctx.log(`500 tasks, ${perSecond} updates/s (${sent} sent): frames=${s.frames} p50=${s.p50.toFixed(1)}ms p95=${s.p95.toFixed(1)}ms max=${s.max.toFixed(1)}ms frames>50ms=${s.over50} (DOM cells: ${cells})`);
  return { s, cells, sent };
}

export const specs: E2eSpec[] = [
  {
    name: 'live grid: 500 tasks at 20 updates/s stays smooth (frame times reported)',
    async run(ctx) {
      const { s, cells, sent } = await measure(ctx, 20, 'batches-live-grid');
      assert(sent >= 100, `the driver should have sent ~130 updates, sent ${sent}`);
      assert(cells < 200, `the grid must be virtualised: ${cells} cells in the DOM for 500 tasks`);
      // Budget: median at display rate and no more than a handful of long frames (software GL, shared CPU).
      assert(s.p50 < 25, `median frame ${s.p50.toFixed(1)} ms is too slow`);
      assert(s.over50 <= Math.max(3, s.frames * 0.02), `${s.over50} frames over 50 ms`);
    },
  },
  {
    name: 'live grid stress: 500 tasks at 200 updates/s (figures only, looser budget)',
    async run(ctx) {
      const { s } = await measure(ctx, 200, null);
      assert(s.p95 < 50, `p95 frame ${s.p95.toFixed(1)} ms under 200 updates/s`);
    },
  },
];
