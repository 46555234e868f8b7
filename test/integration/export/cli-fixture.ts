import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { CliIo } from '../../../main/cli/command.ts';
import { openAppContext, type AppContext } from '../../../main/core/app-context.ts';
import { storeAsset } from '../../../main/library/store-asset.ts';

/** A real data folder with assets stored through the library's own storeAsset. */
export async function libraryWithAssets(specs: { name: string; batch: string; prompt: string }[]): Promise<{ dataDir: string; ids: string[] }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'assetql-cli-export-'));
  const ctx: AppContext = openAppContext(dataDir);
  const ids: string[] = [];
  try {
    const now = Date.now();
    for (const b of new Set(specs.map((s) => s.batch))) {
      ctx.db.prepare(`INSERT INTO batches (id, name, config, created_at, updated_at) VALUES (?, ?, '{}', ?, ?)`).run(b, b, now, now);
    }
    for (const [i, s] of specs.entries()) {
      const data = new Uint8Array(16 * 16 * 3);
      for (let j = 0; j < data.length; j++) data[j] = (j * (i + 7)) % 251;
      const { asset } = await storeAsset(ctx, {
        batchId: s.batch, name: s.name, image: { width: 16, height: 16, data }, prompt: s.prompt, params: { steps: 30 }, seed: i,
        model: 'sdxl', now: now + i,
      });
      ids.push(asset.id);
    }
  } finally {
    ctx.close();
  }
  return { dataDir, ids };
}

export function fakeIo(cwd: string, env: NodeJS.ProcessEnv = {}): { io: CliIo; out: () => string; err: () => string; abort: AbortController } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (c: Buffer) => (o += c.toString()));
  stderr.on('data', (c: Buffer) => (e += c.toString()));
  const abort = new AbortController();
  return { io: { stdout, stderr, cwd, env, signal: abort.signal }, out: () => o, err: () => e, abort };
}
