/**
 * Shapes produced by CSV intake. Row numbers are SPREADSHEET rows: the header is row 1 and
 * every record (blank lines included, because Excel and Sheets show them as empty rows)
 * adds one, while newlines inside quoted cells do not — so "row 17" is the row a user
 * sees when the same file is opened in a spreadsheet.
 */
export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';
export type CsvDelimiter = ',' | ';' | '\t';

export interface CsvIssue {
  /** Spreadsheet row (header = 1); 0 for file-level issues. */
  row: number;
  /** Normalised column name, or null when the issue concerns the whole row or file. */
  column: string | null;
  value: string | null;
  message: string;
}

export interface ParsedRow {
  /** Spreadsheet row number (header = 1). */
  row: number;
  /** Every cell of the record by normalised column name (saved as tasks.source_row). */
  cells: Record<string, string>;
  prompt: string | null;
  name: string | null;
  seed: number | null;
  negativePrompt: string | null;
  width: number | null;
  height: number | null;
  category: string | null;
  steps: number | null;
  guidance: number | null;
}

export interface CsvParseResult {
  rows: ParsedRow[];
  errors: CsvIssue[];
  warnings: CsvIssue[];
  /** Normalised, deduplicated header names in file order. */
  columns: string[];
  /** The column prompts come from when no template is used; null if none was found. */
  promptColumn: string | null;
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  /** Data records read (blank lines excluded), kept or not. */
  recordCount: number;
}

export const MAX_DATA_ROWS = 10_000;
