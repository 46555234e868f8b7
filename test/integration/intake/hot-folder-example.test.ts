import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHotFolder, type HotFolder, type HotFolderBatchRequest, type HotFolderEvent } from '../../../main/intake/hot-folder/hot-folder.ts';
import { packLimits } from '../../../main/intake/config/pack-limits.ts';
import type { SdxlManifest } from '../../../models/manifest.ts';

const EXAMPLES = join(import.meta.dirname, '../../../resources/examples');
let hot: HotFolder | null = null;
afterEach(async () => {
  await hot?.close();
  hot = null;
});

/** A 64×64 test pack's limits, as the app resolves them for the installed pack. */
const testPack = { id: 'test-sdxl', limits: packLimits({ testPack: true, defaults: { width: 64, height: 64, steps: 4, guidance: 5 } } as unknown as SdxlManifest) };

async function drop(files: (folder: string) => void, resolvePack = (id: string | null) => {
  if (id && id !== 'test-sdxl') throw new Error(`SDXL pack '${id}' is not installed`);
  return testPack;
}) {
  const folder = mkdtempSync(join(tmpdir(), 'aq-hot-example-'));
  const events: HotFolderEvent[] = [];
  const requests: HotFolderBatchRequest[] = [];
  hot = await startHotFolder({ folder, stabilityMs: 150, pollMs: 40, siblingWaitMs: 600, resolvePack, onEvent: (e) => events.push(e), startBatch: async (r) => (requests.push(r), { batchId: `b${requests.length}` }) });
  files(folder);
  const end = Date.now() + 8000;
  while (events.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 40));
  await hot.idle();
  return { folder, events, requests };
}

describe('hot folder with the README example', () => {
  it('runs fantasy-items.csv + fantasy-items/ + fantasy-items.template.txt on the installed pack', async () => {
    const { folder, events, requests } = await drop((f) => {
      cpSync(join(EXAMPLES, 'fantasy-items'), join(f, 'fantasy-items'), { recursive: true });
      cpSync(join(EXAMPLES, 'fantasy-items.template.txt'), join(f, 'fantasy-items.template.txt'));
      cpSync(join(EXAMPLES, 'fantasy-items.csv'), join(f, 'fantasy-items.csv'));
    });
    expect(events).toEqual([expect.objectContaining({ type: 'started', name: 'fantasy-items', batchId: 'b1' })]);
    const r = requests[0]!;
    expect(r.template).toBe(readFileSync(join(EXAMPLES, 'fantasy-items.template.txt'), 'utf8').trim());
    expect(r.csv.rows.length).toBeGreaterThan(10);
    expect(r.references).toHaveLength(3);
    // The installed (test) pack, at its only size: not sdxl-base-1.0 at 1024×1024.
    expect(r.config).toMatchObject({ packId: 'test-sdxl', width: 64, height: 64 });
    expect(readdirSync(join(folder, 'done')).sort()).toEqual(['fantasy-items', 'fantasy-items.csv', 'fantasy-items.template.txt']);
  });

  it('applies the documented sidecar example (template, pack, thresholds)', async () => {
    const sidecar = JSON.parse(readFileSync(join(EXAMPLES, 'fantasy-items.json'), 'utf8')) as { template: string; pack: string; thresholds: { style: number } };
    const { events, requests } = await drop((f) => {
      cpSync(join(EXAMPLES, 'fantasy-items'), join(f, 'fantasy-items'), { recursive: true });
      cpSync(join(EXAMPLES, 'fantasy-items.json'), join(f, 'fantasy-items.json'));
      cpSync(join(EXAMPLES, 'fantasy-items.csv'), join(f, 'fantasy-items.csv'));
    });
    expect(events).toEqual([expect.objectContaining({ type: 'started' })]);
    expect(requests[0]!.template).toBe(sidecar.template);
    expect(requests[0]!.config.packId).toBe(sidecar.pack);
    expect(requests[0]!.config.thresholds.style).toBe(sidecar.thresholds.style);
  });

  it('reports a sidecar typo and a pack that is not installed as drop failures with sentences', async () => {
    const typo = await drop((f) => {
      cpSync(join(EXAMPLES, 'fantasy-items'), join(f, 'items'), { recursive: true });
      writeFileSync(join(f, 'items.json'), JSON.stringify({ treshold: 0.3 }));
      cpSync(join(EXAMPLES, 'fantasy-items.csv'), join(f, 'items.csv'));
    });
    expect(typo.events[0]).toMatchObject({ type: 'failed', name: 'items' });
    expect((typo.events[0] as { error: string }).error).toMatch(/items\.json: Unknown setting\(s\).*treshold/);
    expect(existsSync(join(typo.folder, 'failed', 'items.error.txt'))).toBe(true);
    await hot?.close();
    const missing = await drop((f) => {
      cpSync(join(EXAMPLES, 'fantasy-items'), join(f, 'items'), { recursive: true });
      writeFileSync(join(f, 'items.json'), JSON.stringify({ pack: 'sdxl-base-1.0', template: '{item}' }));
      cpSync(join(EXAMPLES, 'fantasy-items.csv'), join(f, 'items.csv'));
    });
    expect((missing.events[0] as { error: string }).error).toMatch(/'sdxl-base-1.0' is not installed/);
  });
});
