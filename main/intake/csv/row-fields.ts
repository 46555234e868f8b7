import type { CsvIssue, ParsedRow } from './types.ts';

/** Columns the intake understands by name; every other column is a template variable. */
export const PROMPT_COLUMN_CANDIDATES = ['prompt', 'description', 'text'] as const;
export const NEGATIVE_COLUMNS = ['negative_prompt', 'negative'] as const;
export const MAX_SEED = 4_294_967_295;

const SIZE_RE = /^\s*(\d{2,5})\s*[x×*]\s*(\d{2,5})\s*$/i;

/**
 * Turns one record's cells into a ParsedRow, collecting every problem of the row (not just
 * the first) so a user fixes the spreadsheet in one pass. A row with any error is skipped.
 */
export function toParsedRow(
  row: number,
  cells: Record<string, string>,
  promptColumn: string | null,
  requirePrompt: boolean,
): { parsed: ParsedRow | null; errors: CsvIssue[] } {
  const errors: CsvIssue[] = [];
  const cell = (name: string): string | null => {
    const v = cells[name];
    return v === undefined || v.trim() === '' ? null : v.trim();
  };
  const fail = (column: string, value: string, why: string) =>
    errors.push({ row, column, value, message: `row ${row}, column '${column}': '${value}' ${why}` });

  const seedRaw = cell('seed');
  let seed: number | null = null;
  if (seedRaw !== null) {
    if (/^\d+$/.test(seedRaw) && Number(seedRaw) <= MAX_SEED) seed = Number(seedRaw);
    else fail('seed', seedRaw, `is not a whole number between 0 and ${MAX_SEED}`);
  }

  const sizeRaw = cell('size');
  let width: number | null = null;
  let height: number | null = null;
  if (sizeRaw !== null) {
    const m = SIZE_RE.exec(sizeRaw);
    if (m) {
      width = Number(m[1]);
      height = Number(m[2]);
    } else fail('size', sizeRaw, 'is not WIDTHxHEIGHT');
  }

  const stepsRaw = cell('steps');
  let steps: number | null = null;
  if (stepsRaw !== null) {
    if (/^\d+$/.test(stepsRaw) && Number(stepsRaw) >= 1 && Number(stepsRaw) <= 200) steps = Number(stepsRaw);
    else fail('steps', stepsRaw, 'is not a whole number of steps (1–200)');
  }

  const guidanceRaw = cell('guidance');
  let guidance: number | null = null;
  if (guidanceRaw !== null) {
    // Excel in comma-decimal locales writes 7,5: accept it.
    const g = Number(guidanceRaw.replace(',', '.'));
    if (Number.isFinite(g) && g >= 0 && g <= 30) guidance = g;
    else fail('guidance', guidanceRaw, 'is not a number between 0 and 30');
  }

  let prompt: string | null = null;
  if (promptColumn !== null) {
    prompt = cell(promptColumn);
    if (prompt === null && requirePrompt) {
      errors.push({ row, column: promptColumn, value: '', message: `row ${row}, column '${promptColumn}': the prompt is empty` });
    }
  }

  if (errors.length > 0) return { parsed: null, errors };
  const negativeColumn = NEGATIVE_COLUMNS.find((c) => c in cells);
  return {
    parsed: {
      row,
      cells,
      prompt,
      name: cell('name'),
      seed,
      negativePrompt: negativeColumn ? cell(negativeColumn) : null,
      width,
      height,
      category: cell('category'),
      steps,
      guidance,
    },
    errors,
  };
}
