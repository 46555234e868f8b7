import type { CsvDelimiter } from './types.ts';

const CANDIDATES: readonly CsvDelimiter[] = [',', ';', '\t'];

/**
 * Picks the delimiter from the first records of the file, counting candidates only outside
 * quotes (so "Paris, France" in a quoted cell does not vote for comma). The winner is the
 * candidate that appears on every sampled line with the most consistent count; ties go to
 * the higher count, then to comma (Excel in EU locales writes ';', Sheets exports TSV).
 */
export function sniffDelimiter(sample: string, maxLines = 20): CsvDelimiter {
  const counts: Record<CsvDelimiter, number[]> = { ',': [], ';': [], '\t': [] };
  let current: Record<CsvDelimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let inQuotes = false;
  let lineHasContent = false;
  let lines = 0;
  for (let i = 0; i < sample.length && lines < maxLines; i++) {
    const ch = sample[i];
    if (ch === '"') {
      inQuotes = !inQuotes; // a doubled quote toggles twice: net unchanged, as intended
      lineHasContent = true;
    } else if (!inQuotes && (ch === '\n' || ch === '\r')) {
      if (lineHasContent) {
        for (const d of CANDIDATES) counts[d].push(current[d]);
        lines++;
      }
      current = { ',': 0, ';': 0, '\t': 0 };
      lineHasContent = false;
    } else if (!inQuotes && (ch === ',' || ch === ';' || ch === '\t')) {
      current[ch]++;
      lineHasContent = true;
    } else if (ch !== ' ') {
      lineHasContent = true;
    }
  }
  // The last line counts only if the sample holds the whole file (no partial line bias).
  if (lineHasContent && lines === 0) for (const d of CANDIDATES) counts[d].push(current[d]);

  let best: CsvDelimiter = ',';
  let bestScore = -Infinity;
  for (const d of CANDIDATES) {
    const c = counts[d];
    if (c.length === 0 || c[0] === 0) continue;
    const present = c.filter((n) => n > 0).length / c.length;
    const mode = c[0] ?? 0; // the header row defines the expected count
    const consistent = c.filter((n) => n === mode).length / c.length;
    const score = present * 10 + consistent * 10 + Math.min(mode, 50) / 100;
    if (score > bestScore) {
      bestScore = score;
      best = d;
    }
  }
  return best;
}
