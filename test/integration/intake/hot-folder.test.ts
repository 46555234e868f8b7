import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHotFolder, type HotFolder, type HotFolderBatchRequest, type HotFolderEvent } from '../../../main/intake/hot-folder/hot-folder.ts';

const scratch = mkdtempSync(join(tmpdir(), 'aq-hot-src-'));
let hot: HotFolder | null = null;

beforeAll(async () => {
  mkdirSync(join(scratch, 'refs'));
  for (const [i, colour] of ['#e76f51', '#2a9d8f'].entries()) {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300"><rect width="300" height="300" fill="#f4ecd8"/><circle cx="${100 + i * 80}" cy="150" r="70" fill="${colour}"/></svg>`;
    await sharp(Buffer.from(svg)).png().toFile(join(scratch, 'refs', `ref-${i}.png`));
  }
});
afterEach(async () => {
  await hot?.close();
  hot = null;
});

async function until(check: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting for the hot folder');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function start(folder: string, startBatch: (r: HotFolderBatchRequest) => Promise<{ batchId: string } | void>) {
  const events: HotFolderEvent[] = [];
  return startHotFolder({ folder, startBatch, stabilityMs: 200, pollMs: 50, siblingWaitMs: 600, onEvent: (e) => events.push(e) }).then((h) => {
    hot = h;
    return events;
  });
}

describe('hot folder (real chokidar watcher)', () => {
  it('starts a batch from name.csv + name/ once writes finish, and moves them to done/', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'aq-hot-'));
    const requests: HotFolderBatchRequest[] = [];
    const events = await start(folder, async (r) => {
      requests.push(r);
      return { batchId: 'batch-1' };
    });
    // References first, then the CSV written in two parts (a slow copy).
    cpSync(join(scratch, 'refs'), join(folder, 'items'), { recursive: true });
    writeFileSync(join(folder, 'items.csv'), 'prompt,seed\n"a sword",1\n');
    await new Promise((r) => setTimeout(r, 80));
    writeFileSync(join(folder, 'items.csv'), 'prompt,seed\n"a sword",1\n"a shield",2\nbad,xx\n');
    await until(() => events.length === 1);
    await hot!.idle();
    expect(events[0]).toMatchObject({ type: 'started', name: 'items', batchId: 'batch-1' });
    expect(requests).toHaveLength(1);
    const req = requests[0]!;
    expect(req.csv.rows.map((r) => r.prompt)).toEqual(['a sword', 'a shield']); // the whole file, not the first write
    expect(req.references.map((r) => r.name)).toEqual(['ref-0.png', 'ref-1.png']);
    expect(req.config.steps).toBe(30);
    expect(readdirSync(folder).sort()).toEqual(['done', 'failed']);
    expect(readdirSync(join(folder, 'done')).sort()).toEqual(['items', 'items.csv', 'items.warnings.txt']);
    expect(readFileSync(join(folder, 'done', 'items.warnings.txt'), 'utf8')).toContain("skipped: row 4, column 'seed': 'xx'");
    // Never reprocessed: a later unrelated drop does not re-trigger items.csv.
    writeFileSync(join(folder, 'other.json'), '{"profileId":"p1","template":"{item}"}');
    writeFileSync(join(folder, 'other.csv'), 'item\nlamp\n');
    await until(() => events.length === 2);
    expect(requests.map((r) => [r.name, r.profileId, r.template])).toEqual([
      ['items', null, null],
      ['other', 'p1', '{item}'],
    ]);
    rmSync(folder, { recursive: true, force: true });
  });

  it('moves a bad CSV to failed/ with an error file explaining why', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'aq-hot-'));
    let calls = 0;
    const events = await start(folder, async () => {
      calls++;
    });
    cpSync(join(scratch, 'refs'), join(folder, 'broken'), { recursive: true });
    writeFileSync(join(folder, 'broken.csv'), 'item,colour\nsword,red\n'); // no prompt column, no template
    writeFileSync(join(folder, 'lonely.csv'), 'prompt\nx\n'); // no references, no sidecar
    await until(() => events.length === 2);
    await hot!.idle();
    expect(calls).toBe(0);
    expect(events.every((e) => e.type === 'failed')).toBe(true);
    expect(readdirSync(join(folder, 'failed')).sort()).toEqual(['broken', 'broken.csv', 'broken.error.txt', 'lonely.csv', 'lonely.error.txt']);
    expect(readFileSync(join(folder, 'failed', 'broken.error.txt'), 'utf8')).toMatch(/no prompt column \(looked for prompt, description, text\)/);
    expect(readFileSync(join(folder, 'failed', 'lonely.error.txt'), 'utf8')).toMatch(/no style references: put 1–5 reference images in a folder named 'lonely\/'/);
    expect(existsSync(join(folder, 'broken.csv'))).toBe(false);
    rmSync(folder, { recursive: true, force: true });
  });

  it('reports a startBatch failure in failed/ too', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'aq-hot-'));
    const events = await start(folder, async () => {
      throw new Error('profile p9 not found');
    });
    writeFileSync(join(folder, 'x.json'), '{"profileId":"p9"}');
    writeFileSync(join(folder, 'x.csv'), 'prompt\nlamp\n');
    await until(() => events.length === 1);
    expect(readFileSync(join(folder, 'failed', 'x.error.txt'), 'utf8')).toContain('profile p9 not found');
    expect(readdirSync(join(folder, 'failed')).sort()).toEqual(['x.csv', 'x.error.txt', 'x.json']);
    rmSync(folder, { recursive: true, force: true });
  });
});
