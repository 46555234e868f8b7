import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openAppContext } from '../../main/core/app-context.ts';
import { storeAsset } from '../../main/library/store-asset.ts';
import { writeSafetensors } from '../../models/safetensors/write-safetensors.ts';
import { createLayoutTestPack } from '../../models/test-pack/layout-test-pack.ts';
import { ROOT, assert, expectOkToast, openPage, screenshot, startServer, type E2eContext, type E2eSpec, type ServerHandle, type WatchedPage } from './harness.ts';

// Issue 15 from the UI: the Library filters by the recipe's checkpoint and LoRA (the same
// library.search model/lora fields `assetql search --model/--lora` uses), and Settings → Model
// packs installs an IP-Adapter onto an SDXL pack (the same install `models ip-adapter install` runs).

/** The library the filter spec sees: (checkpoint, LoRAs, how many assets). */
const RECIPES: Array<{ model: string; loras: string[]; n: number }> = [
  { model: 'test-sdxl', loras: [], n: 4 },
  { model: 'my-style', loras: ['pixel'], n: 3 },
  { model: 'my-style', loras: ['pixel', 'ink'], n: 2 },
];
const TOTAL = RECIPES.reduce((n, r) => n + r.n, 0);
const count = (pred: (r: (typeof RECIPES)[number]) => boolean): number => RECIPES.filter(pred).reduce((n, r) => n + r.n, 0);

interface Seeded { server: ServerHandle; root: string }
let seeded: Promise<Seeded> | null = null;
export async function teardown(): Promise<void> {
  if (!seeded) return;
  const s = await seeded;
  await s.server.stop();
  rmSync(s.root, { recursive: true, force: true });
}

function cli(args: string[]): string {
  return execFileSync(process.execPath, [join(ROOT, 'bin/assetql.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A tiny IP-Adapter for the layout test pack's one cross-attention (as the CLI test builds it). */
async function writeTinyIpAdapter(file: string): Promise<void> {
  await writeSafetensors(file, [
    { name: 'image_proj.proj.weight', shape: [2 * 24, 6], dtype: 'F32', values: new Float32Array(2 * 24 * 6).fill(0.01) },
    { name: 'image_proj.proj.bias', shape: [2 * 24], dtype: 'F32', values: new Float32Array(48) },
    { name: 'image_proj.norm.weight', shape: [24], dtype: 'F32', values: new Float32Array(24).fill(1) },
    { name: 'image_proj.norm.bias', shape: [24], dtype: 'F32', values: new Float32Array(24) },
    { name: 'ip_adapter.1.to_k_ip.weight', shape: [8, 24], dtype: 'F32', values: new Float32Array(8 * 24).fill(0.02) },
    { name: 'ip_adapter.1.to_v_ip.weight', shape: [8, 24], dtype: 'F32', values: new Float32Array(8 * 24).fill(-0.02) },
  ]);
}

/**
 * A data folder with an Optimum-layout tiny SDXL pack registered (the CLI), the adapter files,
 * and library assets stored through storeAsset with their checkpoint and LoRAs (as a batch would).
 */
async function seed(): Promise<Seeded> {
  const root = mkdtempSync(join(tmpdir(), 'assetql-e2e-style-'));
  const dataDir = join(root, 'data');
  await createLayoutTestPack(join(root, 'base'), 'optimum', { id: 'tiny-base' });
  cli(['models', 'locate', 'tiny-base', join(root, 'base'), '--data-dir', dataDir]);
  await writeTinyIpAdapter(join(root, 'ip-adapter_sdxl.safetensors'));
  // A kohya LoRA whose training tags are its trigger words.
  const m = 'lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q';
  await writeSafetensors(
    join(root, 'pixel.safetensors'),
    [
      { name: `${m}.lora_down.weight`, shape: [2, 8], dtype: 'F32', values: Array.from({ length: 16 }, (_, i) => i / 16) },
      { name: `${m}.lora_up.weight`, shape: [8, 2], dtype: 'F32', values: Array.from({ length: 16 }, (_, i) => -i / 16) },
    ],
    { ss_tag_frequency: JSON.stringify({ set: { 'pixel art': 9, sprite: 4 } }) },
  );
  // Not an IP-Adapter: a LoRA-shaped file (the refusal must say why and what to use instead).
  await writeSafetensors(join(root, 'not-an-adapter.safetensors'), [{ name: 'lora_unet_x.lora_down.weight', shape: [2, 2], dtype: 'F32', values: [1, 0, 0, 1] }]);
  const ctx = openAppContext(dataDir);
  try {
    const now = Date.now();
    ctx.db.prepare(`INSERT INTO batches (id, name, config, created_at, updated_at) VALUES ('styles', 'Styles', '{}', ?, ?)`).run(now, now);
    let i = 0;
    for (const r of RECIPES) {
      for (let k = 0; k < r.n; k++, i++) {
        const data = new Uint8Array(16 * 16 * 3).fill((i * 37) % 256);
        await storeAsset(ctx, {
          batchId: 'styles', name: `item-${i}`, image: { width: 16, height: 16, data }, prompt: `a lantern number ${i}`,
          params: { steps: 2, guidance: 5, sampler: 'euler', seed: i }, model: r.model, loras: r.loras.map((name) => ({ name, scale: 0.8 })),
        });
      }
    }
  } finally {
    ctx.close();
  }
  return { server: await startServer(dataDir), root };
}

const opened: WatchedPage[] = [];
async function open(ctx: E2eContext, hash: string): Promise<{ page: Page; s: Seeded }> {
  const s = await (seeded ??= seed());
  const wp = await openPage(ctx.browser, `${s.server.url}${hash}`);
  // The runner closes only the pages it opened itself: ours are closed when the spec ends.
  opened.push(wp);
  return { page: wp.page, s };
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
    const errors = opened.flatMap((p) => p.errors);
    for (const p of opened.splice(0)) await p.page.context().close();
    if (failure) throw failure;
    if (errors.length) throw new Error(`console/page errors:\n      ${errors.join('\n      ')}`);
  },
});

async function waitTotal(page: Page, total: number): Promise<void> {
  await page.waitForSelector(`[data-testid="library-count"][data-total="${total}"]`, { timeout: 15_000 });
}

/** What `assetql search` finds for the same filter (the CLI path the Library shares). */
function cliTotal(s: Seeded, flags: string[]): number {
  const out = JSON.parse(cli(['search', ...flags, '--json', '--data-dir', s.server.dataDir])) as { total: number };
  return out.total;
}

export const specs: E2eSpec[] = [
  spec('style weights: library filters by checkpoint and LoRA', async (ctx) => {
    const { page, s } = await open(ctx, '#/library');
    await waitTotal(page, TOTAL);
    const model = page.getByLabel('Checkpoint filter');
    const lora = page.getByLabel('LoRA filter');
    // The choices are what the library holds, most used first, with their counts.
    const modelOptions = await model.locator('option').allInnerTexts();
    assert(JSON.stringify(modelOptions) === JSON.stringify(['All checkpoints', `Checkpoint: my-style (${count((r) => r.model === 'my-style')})`, `Checkpoint: test-sdxl (${count((r) => r.model === 'test-sdxl')})`]), `checkpoint choices: ${JSON.stringify(modelOptions)}`);
    const loraOptions = await lora.locator('option').allInnerTexts();
    assert(JSON.stringify(loraOptions) === JSON.stringify(['Any LoRA', `LoRA: pixel (${count((r) => r.loras.includes('pixel'))})`, `LoRA: ink (${count((r) => r.loras.includes('ink'))})`]), `LoRA choices: ${JSON.stringify(loraOptions)}`);

    await model.selectOption('my-style');
    const mine = count((r) => r.model === 'my-style');
    await waitTotal(page, mine);
    assert(cliTotal(s, ['--model', 'my-style']) === mine, 'the CLI finds the same assets for --model my-style');
    await lora.selectOption('ink');
    const inked = count((r) => r.model === 'my-style' && r.loras.includes('ink'));
    await waitTotal(page, inked);
    assert(cliTotal(s, ['--model', 'my-style', '--lora', 'ink']) === inked, 'the CLI finds the same assets for --model my-style --lora ink');
    assert((await model.getAttribute('class'))?.includes('filter-on'), 'an active checkpoint filter is marked');
    await screenshot(page, 'style-weights-library-filter');

    // Clearing one filter keeps the other; Reset clears both.
    await model.selectOption('');
    await waitTotal(page, count((r) => r.loras.includes('ink')));
    await page.getByRole('button', { name: 'Reset' }).click();
    await waitTotal(page, TOTAL);
    assert((await lora.inputValue()) === '', 'Reset clears the LoRA filter');
    // The asset detail names its checkpoint and LoRAs; each one filters the Library.
    await page.locator('[data-testid="asset-tile"]', { hasText: `item-${TOTAL - 1}` }).click();
    const madeWith = page.getByTestId('made-with');
    await madeWith.waitFor();
    assert((await madeWith.innerText()).replace(/\s+/g, ' ').trim() === 'Made with my-style LoRA pixel LoRA ink', `made with: ${await madeWith.innerText()}`);
    await screenshot(page, 'style-weights-made-with');
    await madeWith.getByRole('button', { name: 'Filter by LoRA ink' }).click();
    await waitTotal(page, count((r) => r.loras.includes('ink')));
    assert((await lora.inputValue()) === 'ink', 'the LoRA filter shows the choice made from the detail');
    await page.getByRole('button', { name: 'Reset' }).click();
    await waitTotal(page, TOTAL);
    // A checkpoint no asset used: the empty state, with the filter still shown and clearable.
    await model.selectOption('test-sdxl');
    await lora.selectOption('pixel');
    await waitTotal(page, 0);
    await page.getByText('No matching assets').waitFor();
  }),

  spec('style weights: install an IP-Adapter from Settings', async (ctx) => {
    const { page, s } = await open(ctx, '#/settings');
    const box = page.getByTestId('ip-adapter-install');
    await box.waitFor();
    await box.getByLabel('IP-Adapter base pack').selectOption('tiny-base');
    // A file that is not an IP-Adapter: refused with the cause and what to use instead.
    await box.getByLabel('IP-Adapter file').fill(join(s.root, 'not-an-adapter.safetensors'));
    await box.getByRole('button', { name: 'Install' }).click();
    const error = box.getByTestId('ip-adapter-error');
    await error.waitFor({ timeout: 30_000 });
    const why = await error.innerText();
    assert(/not an IP-Adapter file/.test(why) && /h94\/IP-Adapter/.test(why), `the refusal names the cause and the fix: ${why}`);
    await error.scrollIntoViewIfNeeded();
    await screenshot(page, 'style-weights-ip-adapter-refused');

    await box.getByLabel('IP-Adapter file').fill(join(s.root, 'ip-adapter_sdxl.safetensors'));
    await box.getByLabel('IP-Adapter pack name').fill('tiny-ip');
    // The tiny pack's attention heads are 4 wide (SDXL's are 64, the default).
    await box.getByLabel('Attention head size').fill('4');
    await box.getByRole('button', { name: 'Install' }).click();
    await expectOkToast(page, 'Installed', 120_000);
    const result = await box.getByTestId('ip-adapter-result').innerText();
    assert(/tiny-ip: 1 cross-attention layer with the adapter, 2 image tokens from 6-d image embeddings/.test(result), `install result: ${result}`);
    assert((await box.getByTestId('ip-adapter-error').count()) === 0, 'the earlier refusal is gone');
    await box.getByTestId('ip-adapter-result').scrollIntoViewIfNeeded();
    await screenshot(page, 'style-weights-ip-adapter-result');

    // The new pack is listed with its IP-Adapter, everywhere packs are (Settings, CLI).
    const row = page.locator('[aria-label="Model packs"] tr', { hasText: 'tiny-ip' });
    await row.getByText('IP-Adapter', { exact: true }).waitFor();
    const line = await row.getByTestId('pack-ip-adapter').innerText();
    assert(/IP-Adapter installed: 2 image tokens from 6-d image embeddings/.test(line) && /No installed CLIP pack makes 6-d/.test(line), `pack row: ${line}`);
    const listed = JSON.parse(cli(['models', 'list', '--json', '--data-dir', s.server.dataDir])) as unknown;
    assert(JSON.stringify(listed).includes('tiny-ip'), '`assetql models list` shows the new pack');
    // The installed pack is not offered as a base again (it already has an adapter).
    const bases = await box.getByLabel('IP-Adapter base pack').locator('option').allInnerTexts();
    assert(!bases.some((b) => b.includes('tiny-ip') || b.includes('IP-Adapter')), `bases: ${JSON.stringify(bases)}`);
    await row.scrollIntoViewIfNeeded();
    await screenshot(page, 'style-weights-ip-adapter-installed');
  }),

  spec('style weights: LoRA import and cache in Settings, trigger words in New batch', async (ctx) => {
    const { page, s } = await open(ctx, '#/settings');
    const section = page.getByTestId('loras-section');
    await section.getByLabel('LoRA file').fill(join(s.root, 'pixel.safetensors'));
    await section.getByRole('button', { name: 'Import LoRA' }).click();
    await expectOkToast(page, 'Imported pixel');
    await section.getByRole('cell', { name: 'pixel art, sprite' }).waitFor();
    // The variant cache is visible with its size and limit (nothing baked yet).
    const cache = await section.getByTestId('lora-cache').innerText();
    assert(/0 B of 40(\.0)? GB used by 0 baked variants/.test(cache), `cache line: ${cache}`);
    await section.scrollIntoViewIfNeeded();
    await screenshot(page, 'style-weights-loras-section');

    // New batch: picking the LoRA offers its trigger words; one click puts a word in the template.
    await page.goto(`${s.server.url}#/new-batch`);
    const template = page.getByLabel('Prompt template');
    await template.fill('a lantern');
    await page.getByLabel('Use LoRA pixel').check();
    await page.getByRole('button', { name: 'Add trigger word pixel art' }).click();
    assert((await template.inputValue()) === 'a lantern, pixel art', `template: ${await template.inputValue()}`);
    assert(await page.getByRole('button', { name: 'Add trigger word pixel art' }).isDisabled(), 'a word already in the template is not offered twice');
    await page.getByTestId('lora-picker').scrollIntoViewIfNeeded();
    await screenshot(page, 'style-weights-lora-picker');
  }),
];
