/**
 * `npm run bench` — runs every test/bench/*.bench-cases.ts case in-process, one at a time,
 * and prints one JSON object per case plus a summary object. `--gpu` sets
 * ASSETQL_BENCH_GPU=1 so inference cases use the real packs in ASSETQL_BENCH_PACKS and the
 * best execution provider; `--filter <text>` runs matching cases only.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchCase } from './bench-case.ts';

const { values } = parseArgs({ options: { gpu: { type: 'boolean', default: false }, filter: { type: 'string' }, list: { type: 'boolean', default: false } } });
if (values.gpu) process.env['ASSETQL_BENCH_GPU'] = '1';

const dir = fileURLToPath(new URL('.', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.bench-cases.ts')).sort();
const results: unknown[] = [];
let failed = 0;
for (const file of files) {
  const mod = (await import(pathToFileURL(join(dir, file)).href)) as { cases?: BenchCase[] };
  for (const c of mod.cases ?? []) {
    if (values.filter && !c.name.includes(values.filter)) continue;
    if (values.list) {
      console.log(c.name);
      continue;
    }
    const started = performance.now();
    try {
      const { figures, notes } = await c.run();
      const row = { case: c.name, file, baseline: c.baseline, figures, notes: notes ?? null, wallMs: Math.round(performance.now() - started) };
      results.push(row);
      console.log(JSON.stringify(row));
    } catch (err) {
      failed++;
      const row = { case: c.name, file, error: err instanceof Error ? err.message : String(err) };
      results.push(row);
      console.log(JSON.stringify(row));
    }
  }
}
if (!values.list) console.log(JSON.stringify({ summary: { cases: results.length, failed, files: files.length, gpu: values.gpu } }));
process.exitCode = failed ? 1 : 0;
