import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Readable, pipeline } from 'node:stream';
import { parse, type CsvError, type Info } from 'csv-parse';
import { AppError } from '../../core/app-error.ts';
import { createChunkDecoder, detectBom, NotUtf8Error } from './decode-stream.ts';
import { normaliseHeaders } from './headers.ts';
import { PROMPT_COLUMN_CANDIDATES, toParsedRow } from './row-fields.ts';
import { sniffDelimiter } from './sniff-delimiter.ts';
import { MAX_DATA_ROWS, type CsvDelimiter, type CsvEncoding, type CsvIssue, type CsvParseResult, type ParsedRow } from './types.ts';

export interface ParseCsvOptions {
  /** A template supplies the prompts, so no prompt column is required. */
  usesTemplate?: boolean;
  /** Explicit prompt column (normalised name); otherwise prompt/description/text is detected. */
  promptColumn?: string;
  /** Skip sniffing. */
  delimiter?: CsvDelimiter;
  /** Defaults to 10,000; more data rows is a BadInput error. */
  maxRows?: number;
  /** Name used in messages (file name). */
  sourceName?: string;
}

type ChunkSource = () => AsyncIterable<Uint8Array>;

/** Reads a CSV file from disk as a stream: memory holds the parsed rows, not the file. */
export async function readCsvFile(path: string, options: ParseCsvOptions = {}): Promise<CsvParseResult> {
  const source: ChunkSource = () => createReadStream(path, { highWaterMark: 64 * 1024 });
  try {
    return await parseCsvSource(source, { sourceName: basename(path), ...options });
  } catch (err) {
    if (err instanceof AppError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AppError('NotFound', `CSV file not found: ${path}`, { file: path });
    throw new AppError('BadInput', `could not read CSV ${path}: ${(err as Error).message}`, { file: path });
  }
}

/** Parses CSV bytes or text already in memory (uploads, tests). */
export async function parseCsv(input: Uint8Array | string, options: ParseCsvOptions = {}): Promise<CsvParseResult> {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const source: ChunkSource = async function* () {
    for (let i = 0; i < bytes.length; i += 64 * 1024) yield bytes.subarray(i, i + 64 * 1024);
  };
  return parseCsvSource(source, options);
}

async function parseCsvSource(source: ChunkSource, options: ParseCsvOptions): Promise<CsvParseResult> {
  try {
    return await parseOnce(source, options, null);
  } catch (err) {
    if (!(err instanceof NotUtf8Error)) throw err;
    // Not UTF-8 and no BOM: almost always Excel's "CSV (Comma delimited)" on Windows.
    return parseOnce(source, options, 'windows-1252');
  }
}

async function* decodeChunks(source: ChunkSource, forced: CsvEncoding | null, onEncoding: (e: CsvEncoding) => void): AsyncGenerator<string> {
  let decoder: ReturnType<typeof createChunkDecoder> | null = forced ? createChunkDecoder(forced) : null;
  let pending = new Uint8Array(0);
  if (decoder) onEncoding(decoder.encoding);
  for await (const raw of source()) {
    let chunk = raw;
    if (!decoder) {
      // Collect at least 3 bytes before looking for a BOM.
      const merged = new Uint8Array(pending.length + chunk.length);
      merged.set(pending);
      merged.set(chunk, pending.length);
      if (merged.length < 3) {
        pending = merged;
        continue;
      }
      const bom = detectBom(merged);
      decoder = createChunkDecoder(bom?.encoding ?? 'utf-8');
      onEncoding(decoder.encoding);
      chunk = merged.subarray(bom?.bomLength ?? 0);
    }
    const text = decoder.write(chunk);
    if (text) yield text;
  }
  if (!decoder) {
    const bom = detectBom(pending);
    decoder = createChunkDecoder(bom?.encoding ?? 'utf-8');
    onEncoding(decoder.encoding);
    const text = decoder.write(pending.subarray(bom?.bomLength ?? 0));
    if (text) yield text;
  }
  const tail = decoder.end();
  if (tail) yield tail;
}

async function parseOnce(source: ChunkSource, options: ParseCsvOptions, forced: CsvEncoding | null): Promise<CsvParseResult> {
  const maxRows = options.maxRows ?? MAX_DATA_ROWS;
  const label = options.sourceName ?? 'CSV';
  const detected: { encoding: CsvEncoding } = { encoding: 'utf-8' };
  const text = decodeChunks(source, forced, (e) => (detected.encoding = e))[Symbol.asyncIterator]();

  // Buffer the head of the file to sniff the delimiter, then replay it into the parser.
  let head = '';
  let ended = false;
  while (head.length < 64 * 1024) {
    const n = await text.next();
    if (n.done) {
      ended = true;
      break;
    }
    head += n.value;
  }
  const delimiter = options.delimiter ?? sniffDelimiter(head);
  async function* replay(): AsyncGenerator<string> {
    if (head) yield head;
    if (ended) return;
    for (;;) {
      const n = await text.next();
      if (n.done) return;
      yield n.value;
    }
  }

  const parser = parse({
    delimiter,
    info: true,
    relax_column_count: true,
    // A stray quote inside an unquoted cell (12" pizza) is kept as text, not a fatal error.
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    record_delimiter: ['\r\n', '\n', '\r'],
  });
  const errors: CsvIssue[] = [];
  const warnings: CsvIssue[] = [];
  let skipped = 0;
  parser.on('skip', (err: CsvError & Partial<Info>) => {
    skipped++;
    const row = (err.records ?? 0) + skipped + (err.empty_lines ?? 0);
    const message =
      err.code === 'CSV_QUOTE_NOT_CLOSED'
        ? `row ${row}: a quote opened in this row is never closed, so everything from here to the end of the file was skipped`
        : `row ${row}: ${err.message}`;
    errors.push({ row, column: null, value: null, message });
  });
  pipeline(Readable.from(replay()), parser, () => {
    /* errors surface through the parser's async iterator below */
  });

  let columns: string[] | null = null;
  let promptColumn: string | null = null;
  const rows: ParsedRow[] = [];
  const seenKeys = new Map<string, number>();
  let recordCount = 0;

  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      const row = item.info.records + skipped + item.info.empty_lines;
      if (columns === null) {
        const normalised = normaliseHeaders(item.record);
        columns = normalised.columns;
        warnings.push(...normalised.warnings);
        promptColumn = pickPromptColumn(columns, options, label);
        continue;
      }
      if (item.record.every((c) => c.trim() === '')) continue; // ",,,," rows Excel leaves behind
      recordCount++;
      if (recordCount > maxRows) {
        throw new AppError('BadInput', `${label} has more than ${maxRows.toLocaleString('en-US')} data rows; split it into smaller batches`, {
          row,
          maxRows,
        });
      }
      const cells = toCells(columns, item.record, row, delimiter, errors, warnings);
      if (!cells) continue;
      const { parsed, errors: rowErrors } = toParsedRow(row, cells, promptColumn, !options.usesTemplate);
      if (!parsed) {
        errors.push(...rowErrors);
        continue;
      }
      const key = duplicateKey(parsed);
      const first = seenKeys.get(key);
      if (first !== undefined) {
        warnings.push({ row, column: null, value: null, message: `row ${row} duplicates row ${first} (same prompt, seed and size)` });
      } else seenKeys.set(key, row);
      rows.push(parsed);
    }
  } catch (err) {
    parser.destroy();
    if (err instanceof NotUtf8Error || err instanceof AppError) throw err;
    throw new AppError('BadInput', `${label}: ${(err as Error).message}`);
  }

  if (columns === null) throw new AppError('BadInput', `${label} is empty: expected a header row and at least one data row`);
  if (recordCount === 0) throw new AppError('BadInput', `${label} has a header but no data rows`);
  const encoding = detected.encoding;
  if (encoding === 'windows-1252') {
    warnings.unshift({
      row: 0,
      column: null,
      value: null,
      message: `${label} is not valid UTF-8; read it as Windows-1252 (Excel's default on Windows). If accents look wrong, save it as "CSV UTF-8".`,
    });
  }
  return { rows, errors, warnings, columns, promptColumn, encoding, delimiter, recordCount };
}

function pickPromptColumn(columns: string[], options: ParseCsvOptions, label: string): string | null {
  if (options.promptColumn !== undefined) {
    if (!columns.includes(options.promptColumn)) {
      throw new AppError('BadInput', `${label} has no column '${options.promptColumn}'; columns are: ${columns.join(', ')}`);
    }
    return options.promptColumn;
  }
  const found = PROMPT_COLUMN_CANDIDATES.find((c) => columns.includes(c)) ?? null;
  if (found === null && !options.usesTemplate) {
    throw new AppError(
      'BadInput',
      `${label} has no prompt column (looked for ${PROMPT_COLUMN_CANDIDATES.join(', ')}); columns are: ${columns.join(', ')}. ` +
        `Add a prompt column or use a template such as "{${columns[0] ?? 'item'}}"`,
      { columns },
    );
  }
  return found;
}

function toCells(columns: string[], record: string[], row: number, delimiter: CsvDelimiter, errors: CsvIssue[], warnings: CsvIssue[]): Record<string, string> | null {
  if (record.length > columns.length) {
    const extra = record.slice(columns.length);
    if (extra.some((c) => c.trim() !== '')) {
      errors.push({
        row,
        column: null,
        value: null,
        message: `row ${row} has ${record.length} cells but the header has ${columns.length} columns (a cell containing '${delimiter === '\t' ? 'TAB' : delimiter}' without quotes around it?)`,
      });
      return null;
    }
  } else if (record.length < columns.length) {
    warnings.push({ row, column: null, value: null, message: `row ${row} has ${record.length} cells, the header has ${columns.length}; missing cells are empty` });
  }
  const cells: Record<string, string> = {};
  columns.forEach((c, i) => (cells[c] = record[i] ?? ''));
  return cells;
}

function duplicateKey(row: ParsedRow): string {
  const content = row.prompt ?? JSON.stringify(Object.entries(row.cells).filter(([k]) => k !== 'name' && k !== 'seed' && k !== 'size'));
  return createHash('sha1').update(`${content}\u0000${row.seed ?? ''}\u0000${row.width ?? ''}x${row.height ?? ''}`).digest('base64');
}
