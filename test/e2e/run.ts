import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, SPEC_TIMEOUT_MS, launchChromium, openPage, startServer, type E2eContext, type E2eSpec, type WatchedPage } from './harness.ts';

/**
 * Runs every spec in test/e2e/*.e2e.ts against one `assetql serve` and one Chromium. A spec
 * fails on a thrown assertion OR on any console/page error recorded on pages it opened.
 */
export async function runAll(filter: string | undefined): Promise<number> {
  const files = readdirSync(join(ROOT, 'test/e2e')).filter((f) => f.endsWith('.e2e.ts')).sort();
  const specs: E2eSpec[] = [];
  // A spec file may hold resources across its specs (its own seeded server): released at the end.
  const teardowns: (() => Promise<void>)[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(join(ROOT, 'test/e2e', f)).href)) as { specs: E2eSpec[]; teardown?: () => Promise<void> };
    // The filter may name several specs: "first run|batch management" runs both.
    specs.push(...mod.specs.filter((s) => !filter || filter.split('|').some((f) => s.name.includes(f))));
    if (mod.teardown) teardowns.push(mod.teardown);
  }
  const server = await startServer();
  const browser = await launchChromium();
  let passed = 0;
  let failed = 0;
  const failures: string[] = [];
  try {
    for (const spec of specs) {
      const pages: WatchedPage[] = [];
      const ctx: E2eContext = {
        browser,
        server,
        log: (line) => console.log(`    ${line}`),
        async open(query = '', hash = '') {
          const wp = await openPage(browser, `${server.url}${query}${hash}`);
          pages.push(wp);
          return wp;
        },
      };
      const started = Date.now();
      const limit = spec.timeoutMs ?? SPEC_TIMEOUT_MS;
      let timer: NodeJS.Timeout | undefined;
      try {
        // A spec that hangs (a wait with no timeout) fails here, named; closing its pages below
        // makes its pending page calls reject, so it does not run on into the next spec.
        await Promise.race([
          spec.run(ctx),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`spec did not finish within ${limit / 1000} s`)), limit);
          }),
        ]);
        const errors = pages.flatMap((p) => p.errors);
        if (errors.length) throw new Error(`console/page errors:\n      ${errors.join('\n      ')}`);
        passed++;
        console.log(`  ✓ ${spec.name} (${Date.now() - started} ms)`);
      } catch (err) {
        failed++;
        failures.push(`${spec.name}: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]?.slice(0, 300) ?? ''}`);
        console.log(`  ✗ ${spec.name} (${Date.now() - started} ms)\n      ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      } finally {
        clearTimeout(timer);
        for (const p of pages) await p.page.context().close();
      }
    }
  } finally {
    await browser.close();
    await server.stop();
    for (const t of teardowns) await t().catch((err: unknown) => console.log(`    teardown failed: ${String(err)}`));
  }
  console.log(`${passed} passed, ${failed} failed`);
  // scripts/test.mjs adds these to the run's closing count.
  mkdirSync(join(ROOT, 'test-results'), { recursive: true });
  writeFileSync(join(ROOT, 'test-results', 'e2e.json'), JSON.stringify({ passed, failed, failures }));
  return failed === 0 && passed > 0 ? 0 : 1;
}
