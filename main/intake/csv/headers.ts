import type { CsvIssue } from './types.ts';

/**
 * Header cells → column names: trimmed, lower-case, runs of spaces/dashes → '_', so
 * "Negative Prompt", "negative-prompt" and " NEGATIVE_PROMPT " all map to negative_prompt.
 * Empty headers become column_N; duplicates get _2, _3 … with a warning so no cell is lost.
 */
export function normaliseHeaders(raw: string[]): { columns: string[]; warnings: CsvIssue[] } {
  const warnings: CsvIssue[] = [];
  const seen = new Map<string, number>();
  const columns = raw.map((cell, i) => {
    let name = cell.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/[\s-]+/g, '_');
    if (name === '') {
      name = `column_${i + 1}`;
      warnings.push({ row: 1, column: name, value: cell, message: `row 1: column ${i + 1} has no header; named it '${name}'` });
    }
    const count = seen.get(name) ?? 0;
    seen.set(name, count + 1);
    if (count > 0) {
      let n = count + 1;
      while (seen.has(`${name}_${n}`)) n++;
      const renamed = `${name}_${n}`;
      seen.set(renamed, 1);
      warnings.push({ row: 1, column: renamed, value: cell, message: `row 1: duplicate column '${name}' (column ${i + 1}) renamed to '${renamed}'` });
      return renamed;
    }
    return name;
  });
  return { columns, warnings };
}
