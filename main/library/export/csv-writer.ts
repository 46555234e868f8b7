/**
 * A tiny RFC 4180 writer (CRLF rows, fields quoted when they hold a quote, comma, CR or LF,
 * quotes doubled). Hand-written rather than adding csv-stringify because the formula-injection
 * rule below must apply to every text cell anyway and the whole writer is a dozen lines.
 */
export type CsvCell = string | number | boolean | null | undefined;

/**
 * Spreadsheet apps evaluate cells starting with = + - @ (and TAB/CR/LF, which some of them strip
 * first), so a prompt like `=HYPERLINK(...)` would run as a formula (OWASP "CSV injection").
 * Prefixing a single quote makes them plain text. Numbers are written as numbers, unescaped.
 */
export function escapeFormula(text: string): string {
  return /^[=+\-@\t\r\n]/.test(text) ? `'${text}` : text;
}

export function csvField(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  const text = typeof cell === 'string' ? escapeFormula(cell) : typeof cell === 'number' && !Number.isFinite(cell) ? '' : String(cell);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(cells: readonly CsvCell[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return csvRow(header) + rows.map(csvRow).join('');
}
