import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportCommand } from '../../../main/cli/commands/export.ts';
import { openAppContext } from '../../../main/core/app-context.ts';
import { archiveAsset, deleteAsset } from '../../../main/library/lifecycle.ts';
import type { ExportResult } from '../../../main/library/export/export-options.ts';
import { fakeIo, libraryWithAssets } from './cli-fixture.ts';
import { readZip } from './read-zip.ts';

// `assetql export` selects what the app's Library filter shows: active assets by default,
// archived ones only with --state archived, deleted ones never.
let dataDir: string;
let ids: string[];
beforeAll(async () => {
  ({ dataDir, ids } = await libraryWithAssets([
    { name: 'Red Fox', batch: 'b1', prompt: 'a red fox in snow' },
    { name: 'Blue Bird', batch: 'b1', prompt: 'a blue bird on a branch' },
    { name: 'Green Frog', batch: 'b2', prompt: 'a green frog on a leaf' },
  ]));
  const ctx = openAppContext(dataDir);
  try {
    await archiveAsset(ctx, ids[1]!);
    deleteAsset(ctx, ids[2]!);
  } finally {
    ctx.close();
  }
});

async function exportNames(args: string[]): Promise<{ code: number; names: string[]; err: string }> {
  const out = mkdtempSync(join(tmpdir(), 'assetql-cli-filter-'));
  const f = fakeIo(out);
  const code = await exportCommand.run(['--format', 'zip', '--out', 'dest', '--name', 'x.zip', '--json', '--data-dir', dataDir, ...args], f.io);
  if (code !== 0) return { code, names: [], err: f.err() };
  expect((JSON.parse(f.out()) as ExportResult).format).toBe('zip');
  const names = (await readZip(join(out, 'dest', 'x.zip'))).map((e) => e.name).filter((n) => n.startsWith('images/'));
  return { code, names, err: f.err() };
}

describe('assetql export filter', () => {
  it('exports active assets only by default (archived excluded unless asked for, deleted never)', async () => {
    expect((await exportNames([])).names).toEqual(['images/Red Fox.png']);
  });

  it('--state archived exports the archived ones', async () => {
    expect((await exportNames(['--state', 'archived'])).names).toEqual(['images/Blue Bird.png']);
  });

  it('refuses deleted and unknown states and bad score ranges with a sentence', async () => {
    expect(await exportNames(['--state', 'deleted'])).toMatchObject({ code: 1, err: expect.stringMatching(/--state must be active or archived/) });
    expect(await exportNames(['--min-score', '2'])).toMatchObject({ code: 1, err: expect.stringMatching(/--min-score must be a number from 0 to 1/) });
  });

  it('--query combines with the state like the grid does', async () => {
    expect((await exportNames(['--query', 'fox'])).names).toEqual(['images/Red Fox.png']);
    expect(await exportNames(['--query', 'bird'])).toMatchObject({ code: 1, err: expect.stringMatching(/no assets match/) });
  });
});
