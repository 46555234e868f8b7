import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPack } from '../../../models/test-pack/create-test-pack.ts';
import { promptsCommand } from '../../../main/cli/commands/prompts.ts';

const examples = resolve(process.cwd(), 'resources/examples');
const dir = mkdtempSync(join(tmpdir(), 'aq-prompts-cli-'));
beforeAll(async () => {
  await createTestPack(join(dir, 'clip'), { kind: 'clip', embedDim: 16 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (c: Buffer) => (o += c.toString()));
  stderr.on('data', (c: Buffer) => (e += c.toString()));
  const code = await promptsCommand.run(argv, { stdout, stderr, cwd: examples, env: {}, signal: new AbortController().signal });
  return { code, stdout: o, stderr: e };
}

describe('assetql prompts', () => {
  it('previews the example batch with style from the references and says pre-flight needs a CLIP pack', async () => {
    const r = await run(['fantasy-items.csv', '--refs', 'fantasy-items', '--template-file', 'fantasy-items.template.txt', '--limit', '2']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('fantasy-items.csv: 36 data rows, 36 usable (utf-8');
    expect(r.stdout).toContain('style: 3 reference images in fantasy-items');
    expect(r.stdout).toContain('prompts (first 2 of 36):');
    expect(r.stdout).toMatch(/row 2 {2}Ember Longsword {2}seed 1000 {2}1024x1024/);
    expect(r.stdout).toContain('game inventory icon of a longsword made of tempered steel, crimson accents, single object, ');
    expect(r.stdout).toContain('pre-flight: no CLIP pack given (--clip-pack <dir>)');
  });

  it('runs pre-flight with a CLIP pack and prints machine output with --json', async () => {
    const r = await run(['fantasy-items.csv', '--refs', 'fantasy-items', '--template-file', 'fantasy-items.template.txt', '--limit', '3', '--clip-pack', join(dir, 'clip'), '--threshold', '1', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      csv: { records: number };
      prompts: Array<{ row: number; seed: number }>;
      style: { clipCentroid: boolean };
      preflight: { available: boolean; rows: Array<{ row: number; confidence: number; delta: { suggestion: string } | null }> };
    };
    expect(out.csv.records).toBe(36);
    expect(out.prompts.map((p) => [p.row, p.seed])).toEqual([
      [2, 1000],
      [3, 1007],
      [4, 1014],
    ]);
    expect(out.style.clipCentroid).toBe(true);
    expect(out.preflight.available).toBe(true);
    expect(out.preflight.rows.map((x) => x.row)).toEqual([2, 3, 4]);
    for (const row of out.preflight.rows) expect(row.confidence).toBeGreaterThanOrEqual(0);
  });

  it('lists bad rows with row and column, and fails clearly on an unknown template variable', async () => {
    const csv = join(dir, 'bad.csv');
    writeFileSync(csv, 'item,size\nsword,1024x\naxe,832x1216\n');
    const ok = await run([csv, '--template', '{item}']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("row 2, column 'size': '1024x' is not WIDTHxHEIGHT");
    expect(ok.stdout).toContain('style: none');
    const bad = await run([csv, '--template', '{item} of {matrial}']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe("assetql prompts: BadInput: template uses unknown column 'matrial'; available columns: item, size\n");
    const missing = await run([join(dir, 'nope.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/NotFound: CSV file not found: .*nope\.csv/);
  });
});
