import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import sharp from 'sharp';
import type { CliIo } from '../../../../main/cli/command.ts';

/** Style references made here (never copied from ../shared): warm gradients at 256×256. */
export async function writeRefs(dir: string, n = 2): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256"><defs><linearGradient id="g"><stop offset="0" stop-color="rgb(${200 + i * 20},80,40)"/><stop offset="1" stop-color="rgb(250,${180 - i * 30},90)"/></linearGradient></defs><rect width="256" height="256" fill="url(#g)"/><circle cx="${100 + i * 40}" cy="128" r="50" fill="rgb(120,30,20)"/></svg>`;
    await sharp(Buffer.from(svg)).png().toFile(join(dir, `ref-${i + 1}.png`));
  }
}

export function writeCsv(path: string, rows: number): void {
  const lines = ['name,prompt'];
  for (let i = 1; i <= rows; i++) lines.push(`item-${i},a ceramic mug number ${i} on a wooden table`);
  writeFileSync(path, `${lines.join('\n')}\n`);
}

export interface FakeIo {
  io: CliIo;
  out(): string;
  err(): string;
  abort(): void;
}

/** Real streams, a real AbortController standing in for Ctrl-C. */
export function cliIo(cwd: string, env: NodeJS.ProcessEnv = {}): FakeIo {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (d: Buffer) => (o += d.toString()));
  stderr.on('data', (d: Buffer) => (e += d.toString()));
  const ac = new AbortController();
  return {
    io: { stdout, stderr, cwd, env: { ASSETQL_PROVIDERS: 'cpu', ...env }, signal: ac.signal },
    out: () => o,
    err: () => e,
    abort: () => ac.abort(),
  };
}
