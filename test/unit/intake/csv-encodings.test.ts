import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsvFile } from '../../../main/intake/csv/parse-csv.ts';

const dir = mkdtempSync(join(tmpdir(), 'aq-csv-enc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TEXT = 'name,prompt\r\ncafé,"crème brûlée, “fancy” 5€"\r\nnaïve,plain tea\r\n';

function write(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

function utf16be(s: string): Buffer {
  const le = Buffer.from(s, 'utf16le');
  for (let i = 0; i < le.length; i += 2) {
    const a = le[i]!;
    le[i] = le[i + 1]!;
    le[i + 1] = a;
  }
  return le;
}

/** Encodes text as Windows-1252 the way Excel does (€ 0x80, smart quotes 0x93/0x94). */
function cp1252(s: string): Buffer {
  const special: Record<string, number> = { '€': 0x80, '“': 0x93, '”': 0x94, '’': 0x92 };
  return Buffer.from([...s].map((c) => special[c] ?? c.charCodeAt(0)));
}

describe('CSV encodings', () => {
  const cases: Array<[string, Uint8Array, string]> = [
    ['utf8.csv', Buffer.from(TEXT, 'utf8'), 'utf-8'],
    ['utf8-bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT, 'utf8')]), 'utf-8-bom'],
    ['utf16le.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, 'utf16le')]), 'utf-16le'],
    ['utf16be.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(TEXT)]), 'utf-16be'],
    ['cp1252.csv', cp1252(TEXT), 'windows-1252'],
  ];
  for (const [file, bytes, encoding] of cases) {
    it(`reads ${file} as ${encoding} with identical cells`, async () => {
      const result = await readCsvFile(write(file, bytes));
      expect(result.encoding).toBe(encoding);
      expect(result.columns).toEqual(['name', 'prompt']); // no BOM left in the first header
      expect(result.rows.map((r) => [r.row, r.name, r.prompt])).toEqual([
        [2, 'café', 'crème brûlée, “fancy” 5€'],
        [3, 'naïve', 'plain tea'],
      ]);
      expect(result.errors).toEqual([]);
      const warned = result.warnings.some((w) => /Windows-1252/.test(w.message));
      expect(warned).toBe(encoding === 'windows-1252');
    });
  }

  it('handles a multi-byte UTF-8 character split across read chunks', async () => {
    // 64 KiB chunks: put a 3-byte character across the boundary.
    const pad = 'x'.repeat(64 * 1024 - 'name,prompt\n'.length - 'a,'.length - 1);
    const text = `name,prompt\na,${pad}€\n`;
    const result = await readCsvFile(write('split.csv', Buffer.from(text, 'utf8')));
    expect(result.encoding).toBe('utf-8');
    expect(result.rows[0]?.prompt?.endsWith('€')).toBe(true);
  });
});
