import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsv, readCsvFile } from '../../../main/intake/csv/parse-csv.ts';
import { sniffDelimiter } from '../../../main/intake/csv/sniff-delimiter.ts';

const dir = mkdtempSync(join(tmpdir(), 'aq-csv-struct-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text, 'utf8');
  return p;
}

describe('delimiters', () => {
  it('sniffs comma, semicolon and tab, ignoring delimiters inside quotes', async () => {
    const comma = await readCsvFile(write('c.csv', 'prompt,seed\n"a; b; c",1\n"d; e",2\n'));
    const semi = await readCsvFile(write('s.csv', 'prompt;seed\n"red, blue, green";1\n"x, y";2\n'));
    const tab = await readCsvFile(write('t.tsv', 'prompt\tseed\n"a, b; c"\t1\nd\t2\n'));
    expect([comma.delimiter, semi.delimiter, tab.delimiter]).toEqual([',', ';', '\t']);
    expect(comma.rows.map((r) => r.prompt)).toEqual(['a; b; c', 'd; e']);
    expect(semi.rows.map((r) => [r.prompt, r.seed])).toEqual([['red, blue, green', 1], ['x, y', 2]]);
    expect(tab.rows.map((r) => r.prompt)).toEqual(['a, b; c', 'd']);
  });

  it('prefers the candidate with a consistent count per line', () => {
    expect(sniffDelimiter('a;b;c\n1,5;2;3\n4;5,5;6\n')).toBe(';');
    expect(sniffDelimiter('just one column\nrow\n')).toBe(',');
  });
});

describe('quoting, blank lines and headers', () => {
  it('keeps embedded newlines and doubled quotes, and numbers rows as a spreadsheet does', async () => {
    const text = [
      'Prompt,  Negative Prompt ,Size,name,Name,',
      '"a sword',
      'with ""runes""",blurry,1024x1024,sword,dup,',
      '',
      '"plain shield",,832x1216,shield,x,',
      '',
      '',
      'potion,,1024X1024,potion,y,',
    ].join('\r\n');
    const r = await readCsvFile(write('q.csv', text));
    expect(r.columns).toEqual(['prompt', 'negative_prompt', 'size', 'name', 'name_2', 'column_6']);
    expect(r.warnings.map((w) => w.message)).toEqual(
      expect.arrayContaining([expect.stringContaining("duplicate column 'name'"), expect.stringContaining('column 6 has no header')]),
    );
    // Header row 1; the multi-line record is row 2; blank lines count as spreadsheet rows.
    expect(r.rows.map((x) => [x.row, x.prompt, x.negativePrompt, x.width, x.height])).toEqual([
      [2, 'a sword\r\nwith "runes"', 'blurry', 1024, 1024],
      [4, 'plain shield', null, 832, 1216],
      [7, 'potion', null, 1024, 1024],
    ]);
    expect(r.errors).toEqual([]);
  });

  it('reports an unclosed quote at its row without losing the rows before it', async () => {
    const r = await parseCsv('prompt,seed\nok,1\n"never closed,2\nlost,3\n');
    expect(r.rows.map((x) => x.prompt)).toEqual(['ok']);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]?.row).toBe(3);
    expect(r.errors[0]?.message).toMatch(/row 3: a quote opened in this row is never closed/);
  });
});

describe('row validation', () => {
  it('lists every bad cell with row, column and value, skips those rows and keeps the rest', async () => {
    const text = ['prompt,seed,size,steps,guidance', 'good,7,1024x1024,30,7.5', 'bad size,8,1024x,30,7', 'bad seed,abc,,,', 'two bad,-1,big,0,x', 'also good,,,,"7,5"'].join('\n');
    const r = await parseCsv(text);
    expect(r.rows.map((x) => [x.row, x.prompt, x.guidance])).toEqual([
      [2, 'good', 7.5],
      [6, 'also good', 7.5],
    ]);
    expect(r.errors.map((e) => e.message)).toEqual([
      "row 3, column 'size': '1024x' is not WIDTHxHEIGHT",
      "row 4, column 'seed': 'abc' is not a whole number between 0 and 4294967295",
      "row 5, column 'seed': '-1' is not a whole number between 0 and 4294967295",
      "row 5, column 'size': 'big' is not WIDTHxHEIGHT",
      "row 5, column 'steps': '0' is not a whole number of steps (1–200)",
      "row 5, column 'guidance': 'x' is not a number between 0 and 30",
    ]);
    expect(r.errors[0]).toMatchObject({ row: 3, column: 'size', value: '1024x' });
  });

  it('rejects rows with more cells than headers, tolerates trailing empty cells and empty prompts are errors', async () => {
    const r = await parseCsv('prompt,seed\na,1,extra\nb,2,,\n,3\n');
    expect(r.rows.map((x) => x.prompt)).toEqual(['b']);
    expect(r.errors.map((e) => e.message)).toEqual([
      "row 2 has 3 cells but the header has 2 columns (a cell containing ',' without quotes around it?)",
      "row 4, column 'prompt': the prompt is empty",
    ]);
  });

  it('flags duplicate rows (same prompt, seed and size) but keeps them', async () => {
    const r = await parseCsv('prompt,seed,size,name\nsword,1,1024x1024,a\nsword,1,1024x1024,b\nsword,2,1024x1024,c\nsword,1,,d\n');
    expect(r.rows).toHaveLength(4);
    expect(r.warnings.map((w) => w.message)).toEqual(['row 3 duplicates row 2 (same prompt, seed and size)']);
  });

  it('detects the prompt column or demands a template', async () => {
    expect((await parseCsv('Description,x\nhello,1\n')).promptColumn).toBe('description');
    await expect(parseCsv('item,colour\nsword,red\n')).rejects.toThrow(/no prompt column \(looked for prompt, description, text\); columns are: item, colour/);
    const t = await parseCsv('item,colour\nsword,red\n', { usesTemplate: true });
    expect(t.rows[0]?.cells).toEqual({ item: 'sword', colour: 'red' });
    await expect(parseCsv('')).rejects.toThrow(/empty/);
    await expect(parseCsv('prompt\n\n\n')).rejects.toThrow(/no data rows/);
  });
});
