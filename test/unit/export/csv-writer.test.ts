import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvField, escapeFormula, toCsv } from '../../../main/library/export/csv-writer.ts';

describe('csv writer', () => {
  it('escapes every formula trigger on text cells only', () => {
    for (const t of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '\nx']) expect(escapeFormula(t)).toBe(`'${t}`);
    expect(escapeFormula('a=b')).toBe('a=b');
    expect(csvField(-1)).toBe('-1');
    expect(csvField('-1')).toBe("'-1");
    expect(csvField(null)).toBe('');
    expect(csvField(Number.NaN)).toBe('');
  });

  it('round-trips through an RFC 4180 parser', () => {
    const cells = ['plain', 'with,comma', 'with "quotes"', 'multi\r\nline', '=HYPERLINK("http://x")', 'ünï 猫', ''];
    const csv = toCsv(['a', 'b', 'c', 'd', 'e', 'f', 'g'], [cells]);
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parse(csv, { columns: false, relax_column_count: false }) as string[][];
    expect(rows[0]).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(rows[1]).toEqual(['plain', 'with,comma', 'with "quotes"', 'multi\r\nline', `'=HYPERLINK("http://x")`, 'ünï 猫', '']);
  });
});
