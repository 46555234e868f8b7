import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../main/cli/command.ts';
import { dnaCommand } from '../../../main/cli/commands/dna.ts';
import { scoreCommand } from '../../../main/cli/commands/score.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'assetql-dna-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function fakeIo(): { io: CliIo; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '', e = '';
  stdout.on('data', (d: Buffer) => (o += d.toString()));
  stderr.on('data', (d: Buffer) => (e += d.toString()));
  return { io: { stdout, stderr, cwd: resolve(process.cwd(), '../shared/data/images'), env: {}, signal: new AbortController().signal }, out: () => o, err: () => e };
}

describe('assetql dna / score', () => {
  it('prints a profile, saves it and scores against the saved id', async () => {
    const a = fakeIo();
    expect(await dnaCommand.run(['chelsea.png', 'coffee.png', '--k', '5'], a.io)).toBe(0);
    expect(a.out()).toMatch(/Palette \(k=5\)/);
    expect(a.out()).toMatch(/#[0-9a-f]{6}\s+\d+\.\d%\s+\w+/);
    expect(a.out()).toContain('CLIP: unavailable');

    const j = fakeIo();
    expect(await dnaCommand.run(['rocket.jpg', '--json'], j.io)).toBe(0);
    const json = JSON.parse(j.out()) as { palette: unknown[]; keywords: { lighting: string[] }; clipUnavailable: string };
    expect(json.palette).toHaveLength(6);
    expect(json.keywords.lighting.join(' ')).toMatch(/low-key/);
    expect(json.clipUnavailable).toMatch(/no CLIP model pack/);

    const s = fakeIo();
    expect(await dnaCommand.run(['chelsea.png', 'coffee.png', '--save', '--name', 'Warm', '--data-dir', dataDir], s.io)).toBe(0);
    const id = /Saved as (prf_\w+)/.exec(s.out())?.[1];
    expect(id).toBeDefined();

    const ok = fakeIo();
    expect(await scoreCommand.run(['coffee.png', '--profile', `${id}@1`, '--data-dir', dataDir, '--json'], ok.io)).toBe(0);
    const scores = JSON.parse(ok.out()) as { styleScore: number; clipSimilarity: null; pass: { overall: boolean } };
    expect(scores.clipSimilarity).toBeNull();
    expect(scores.pass.overall).toBe(true);

    const bad = fakeIo();
    expect(await scoreCommand.run(['rocket.jpg', '--profile', 'chelsea.png', 'coffee.png'], bad.io)).toBe(3);
    expect(bad.out()).toMatch(/style score .* FAIL/);
    expect(bad.out()).toMatch(/CLIP similarity\s+unavailable/);
  });

  it('gives clear errors', async () => {
    const t = fakeIo();
    expect(await scoreCommand.run(['truncated.jpg', '--profile', 'chelsea.png'], t.io)).toBe(1);
    expect(t.err()).toMatch(/BadInput: .*truncated\.jpg/);
    const c = fakeIo();
    expect(await dnaCommand.run(['chelsea.png', '--clip-pack', '/nowhere'], c.io)).toBe(1);
    expect(c.err()).toMatch(/ModelMissing: .*\/nowhere/);
    const n = fakeIo();
    expect(await scoreCommand.run(['coffee.png', '--profile', 'prf_missing', '--data-dir', dataDir], n.io)).toBe(1);
    expect(n.err()).toContain('NotFound: no style profile prf_missing');
    const d = fakeIo();
    expect(await scoreCommand.run(['coffee.png', '--profile', 'coffee.png', '--width', '512'], d.io)).toBe(1);
    expect(d.err()).toMatch(/--width and --height/);
    const many = fakeIo();
    expect(await dnaCommand.run(['a.png', 'b.png', 'c.png', 'd.png', 'e.png', 'f.png'], many.io)).toBe(1);
    expect(many.err()).toMatch(/1–5 reference images \(got 6\)/);
  });
});
