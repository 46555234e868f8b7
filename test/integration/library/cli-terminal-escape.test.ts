import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../../../main/cli/command.ts';
import { COMMANDS } from '../../../main/cli/commands/index.ts';
import { main } from '../../../main/cli/main.ts';
import { escapeTerminalText } from '../../../main/cli/terminal-text.ts';
import { storeAsset } from '../../../main/library/store-asset.ts';
import { applyAutoTags } from '../../../main/library/tags-repo.ts';
import { createLibraryFixture, sharedImage, type LibraryFixture } from './library-fixture.ts';

/**
 * Hostile text from user files (a CSV cell, an asset name, a prompt, a tag, a batch name) that
 * would retitle the terminal, clear the screen and reverse the line if printed raw. Every
 * command that prints user text is run through the real entry point (main), which is where the
 * escaping is applied; with --json the same text must come back exact.
 */
const EVIL = 'Evil\u001b]0;pwned\u0007\u001b[2J\r\u202eTXT\u009b31m';

async function cli(argv: string[], cwd = process.cwd()): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await main(argv, { stdout, stderr, cwd, env: {}, signal: new AbortController().signal });
  return { code, out, err };
}

function expectSafe(text: string): void {
  // eslint-disable-next-line no-control-regex
  expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
  expect(text).toContain('Evil\\x1b]0;pwned\\x07\\x1b[2J\\r\\u202eTXT\\x9b31m');
}

describe('CLI output is safe to print', () => {
  let fx: LibraryFixture;
  let assetId = '';

  beforeAll(async () => {
    fx = createLibraryFixture();
    fx.db.prepare('UPDATE batches SET name = ? WHERE id = ?').run(EVIL, fx.batchId);
    const image = await sharedImage('brick.png', 16);
    const { asset } = await storeAsset(fx, { batchId: fx.batchId, name: EVIL, prompt: `a wall ${EVIL}`, image, params: {}, styleScore: 0.5, now: Date.now() });
    applyAutoTags(fx.db, asset.id, { source: 'clip', tags: [{ tag: EVIL, group: 'objects', confidence: 0.9 }], category: 'test', subcategories: [] });
    assetId = asset.id;
    fx.db.close();
  });
  afterAll(() => fx.cleanup());

  it('escapes control characters visibly and leaves newlines and tabs', () => {
    expect(escapeTerminalText('a\u001bb\tc\nd\u0000\u007f\u2066')).toBe('a\\x1bb\tc\nd\\x00\\x7f\\u2066');
  });

  it('applies to every command: main hands each one escaping streams (stdout exact with --json)', async () => {
    const probe: Command = {
      name: 'h13-escape-probe',
      summary: 'test only',
      usage: 'test only',
      run: async (argv, io) => {
        io.stdout.write(`${argv.includes('--json') ? JSON.stringify({ name: EVIL }) : EVIL}\n`);
        io.stderr.write(`warning: ${EVIL}\n`);
        return 0;
      },
    };
    const registry = COMMANDS as Command[]; // a test-only command, removed again below
    registry.push(probe);
    try {
      const human = await cli(['h13-escape-probe']);
      expectSafe(human.out);
      expectSafe(human.err);
      const json = await cli(['h13-escape-probe', '--json']);
      expect((JSON.parse(json.out) as { name: string }).name).toBe(EVIL);
      expectSafe(json.err);
    } finally {
      registry.splice(registry.indexOf(probe), 1);
    }
  });

  it('search', async () => {
    const r = await cli(['search', '--data-dir', fx.root]);
    expect(r.code).toBe(0);
    expectSafe(r.out);
    const json = await cli(['search', '--data-dir', fx.root, '--json']);
    expect((JSON.parse(json.out) as { items: { name: string }[] }).items[0]?.name).toBe(EVIL);
  });

  it('library tag (tags)', async () => {
    const r = await cli(['library', 'tag', assetId, '--data-dir', fx.root]);
    expect(r.code).toBe(0);
    // Tags are normalised (lower case, whitespace folded) but keep the escape characters.
    // eslint-disable-next-line no-control-regex
    expect(r.out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(r.out).toContain('evil\\x1b]0;pwned\\x07\\x1b[2j');
  });

  it('batch list (batch names)', async () => {
    const r = await cli(['batch', 'list', '--data-dir', fx.root]);
    expect(r.code).toBe(0);
    expectSafe(r.out);
    const json = await cli(['batch', 'list', '--data-dir', fx.root, '--json']);
    expect((JSON.parse(json.out) as { name: string }[])[0]?.name).toBe(EVIL);
  });

  it('prompts (CSV cells), and the errors it prints about them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aq-evil-csv-'));
    writeFileSync(join(dir, 'items.csv'), `name,prompt,size\n"${EVIL}","icon of ${EVIL}",1024x1024\nbad,"x",${EVIL}\n`);
    const r = await cli(['prompts', 'items.csv', '--data-dir', join(dir, 'data')], dir);
    expect(r.code).toBe(0);
    expectSafe(r.out);
    expect(r.err + r.out).not.toContain('\u001b');
    const json = await cli(['prompts', 'items.csv', '--json', '--data-dir', join(dir, 'data')], dir);
    expect(json.out).toContain(JSON.stringify(`icon of ${EVIL}`).slice(1, -1));
  });

  it('error messages that quote user input', async () => {
    const r = await cli(['batch', 'show', EVIL, '--data-dir', fx.root]);
    expect(r.code).not.toBe(0);
    expect(r.err).not.toContain('\u001b');
  });
});
