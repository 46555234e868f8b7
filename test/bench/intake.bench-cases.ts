import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseSync } from 'csv-parse/sync';
import { readCsvFile } from '../../main/intake/csv/parse-csv.ts';

interface BenchCase {
  name: string;
  /** what the ratio compares */
  baseline: string;
  run(): Promise<{ figures: Record<string, number>; notes?: string }>;
}

function tenThousandRows(): string {
  const lines = ['name,prompt,seed,size,category'];
  for (let i = 0; i < 10_000; i++) lines.push(`item ${i},"a gilded relic #${i}, ornate, ""museum"" lighting",${i},1024x1024,relic`);
  return `${lines.join('\n')}\n`;
}

export const cases: BenchCase[] = [
  {
    name: 'csv intake: 10k rows (stream + validation) vs csv-parse/sync of the whole file',
    baseline: 'csv-parse/sync parse of the whole file read into memory, no validation',
    async run() {
      const dir = mkdtempSync(join(tmpdir(), 'aq-bench-csv-'));
      try {
        const file = join(dir, 'rows.csv');
        writeFileSync(file, tenThousandRows());
        // Warm both paths once so the ratio compares steady-state code, not JIT warm-up.
        parseSync(readFileSync(file, 'utf8'), { columns: true });
        await readCsvFile(file);
        const t0 = performance.now();
        const baseRows = (parseSync(readFileSync(file, 'utf8'), { columns: true }) as unknown[]).length;
        const baseMs = performance.now() - t0;
        const t1 = performance.now();
        const ours = await readCsvFile(file);
        const oursMs = performance.now() - t1;
        return {
          figures: { baselineMs: baseMs, intakeMs: oursMs, ratio: oursMs / baseMs, rows: ours.rows.length, baselineRows: baseRows },
          notes: 'intake adds encoding detection, delimiter sniffing, per-row validation and duplicate detection',
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];
