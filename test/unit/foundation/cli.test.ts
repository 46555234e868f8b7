import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../../main/cli/main.ts';

function io() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  return { io: { stdout, stderr, signal: new AbortController().signal }, out: () => out, err: () => err };
}

describe('assetql CLI', () => {
  it('--help lists every command with a summary', async () => {
    const t = io();
    expect(await main(['--help'], t.io)).toBe(0);
    expect(t.out()).toMatch(/Usage: assetql <command>/);
    for (const name of ['serve']) expect(t.out()).toContain(`  ${name}`);
  });

  it('an unknown command is an error that shows the help', async () => {
    const t = io();
    expect(await main(['frobnicate'], t.io)).toBe(2);
    expect(t.err()).toMatch(/unknown command 'frobnicate'/);
  });

  it('a bad flag names the flag', async () => {
    const t = io();
    expect(await main(['serve', '--prot', '1'], t.io)).toBe(1);
    expect(t.err()).toMatch(/--prot/);
  });
});
