import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { CliIo, Command } from '../command.ts';
import { parseFlags } from '../parse-flags.ts';
import { openAppContext } from '../../core/app-context.ts';
import { AppError } from '../../core/app-error.ts';
import { buildProfile } from '../../dna/build-profile.ts';
import { embedderFromPack } from '../../dna/clip-option.ts';
import { getProfile } from '../../dna/profile-repo.ts';
import { parseBatchConfig } from '../../intake/config/batch-config.ts';
import { readCsvFile } from '../../intake/csv/parse-csv.ts';
import type { CsvIssue } from '../../intake/csv/types.ts';
import { preflight, type PreflightResult } from '../../intake/preflight/preflight.ts';
import type { PreflightStyle } from '../../intake/preflight/preflight-style.ts';
import { loadReferenceDir } from '../../intake/references/load-references.ts';
import { preflightStyleFromProfile } from '../../intake/style-from-profile.ts';
import { buildPrompts, type BuiltPrompt } from '../../intake/template/build-prompts.ts';
import { EMPTY_STYLE_KEYWORDS, STYLE_ATTRIBUTES } from '../../intake/template/style-terms.ts';
import { writeCommandError } from '../command-error.ts';

const USAGE = `assetql prompts <csv> [--refs <dir> | --profile <id[@version]>] [--template "…" | --template-file <file>]
                [--prompt-column <name>] [--limit N] [--threshold 0.75] [--clip-pack <dir>] [--json] [--data-dir <dir>]

Reads the CSV (any encoding/delimiter Excel or Sheets writes), reports every bad row with its
row and column, builds the prompts (template + style keywords from the references or a saved
profile) and shows the first N (default 10). With --clip-pack, each previewed prompt gets a
pre-flight confidence and, below the threshold, a delta report with a suggested rewrite.
Nothing is generated. Template syntax: {column} {column|default} {column:lower|upper|trim}
[[optional {column}]] {style} {style_colours} {style_lighting} {style_composition} {style_medium}.`;

export const promptsCommand: Command = {
  name: 'prompts',
  summary: 'Preview a CSV batch: parse report, prompts and pre-flight, without generating',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const parsed = parseFlags(this, argv, io, {
      refs: { type: 'string' },
      profile: { type: 'string' },
      template: { type: 'string' },
      'template-file': { type: 'string' },
      'prompt-column': { type: 'string' },
      limit: { type: 'string' },
      threshold: { type: 'string' },
      'clip-pack': { type: 'string' },
      json: { type: 'boolean' },
      'data-dir': { type: 'string' },
    });
    if (typeof parsed === 'number') return parsed;
    const { values, positionals } = parsed;
    try {
      const csvArg = positionals[0];
      if (!csvArg) throw new AppError('BadInput', 'give the CSV file to preview');
      if (values.template && values['template-file']) throw new AppError('BadInput', 'use --template or --template-file, not both');
      if (values.refs && values.profile) throw new AppError('BadInput', 'use --refs or --profile, not both');
      const limit = positiveInt(values.limit ?? '10', '--limit');
      const threshold = values.threshold === undefined ? 0.75 : Number(values.threshold);
      if (!(threshold >= 0 && threshold <= 1)) throw new AppError('BadInput', `--threshold must be between 0 and 1 (got ${values.threshold})`);
      const template = values['template-file'] ? (await readFile(resolve(io.cwd, values['template-file']), 'utf8')).trim() : (values.template ?? null);

      const csvPath = resolve(io.cwd, csvArg);
      const csv = await readCsvFile(csvPath, { usesTemplate: Boolean(template), ...(values['prompt-column'] ? { promptColumn: values['prompt-column'] } : {}) });
      const config = parseBatchConfig({ thresholds: { preflight: threshold } });

      const clip = await embedderFromPack(values['clip-pack'] ? resolve(io.cwd, values['clip-pack']) : undefined);
      try {
        const embedder = clip.embedder;
        const refIssues: { errors: string[]; warnings: string[] } = { errors: [], warnings: [] };
        let style: PreflightStyle = { centroid: null, keywords: EMPTY_STYLE_KEYWORDS };
        let styleSource = 'none (give --refs <dir> or --profile <id> for style keywords)';
        if (values.refs) {
          const refs = await loadReferenceDir(resolve(io.cwd, values.refs));
          refIssues.errors = refs.errors.map((e) => e.message);
          refIssues.warnings = refs.warnings.map((w) => w.message);
          if (refs.references.length === 0) throw new AppError('BadInput', `no usable reference image in ${values.refs}: ${refIssues.errors.join('; ')}`);
          const profile = await buildProfile(
            refs.references.map((r) => ({ name: r.name, image: r.rgb, sha256: r.pixelSha256 })),
            { embedder, name: `references in ${values.refs}` },
          );
          style = preflightStyleFromProfile(profile, embedder);
          styleSource = `${refs.references.length} reference image${refs.references.length > 1 ? 's' : ''} in ${values.refs}`;
        } else if (values.profile) {
          const [id = '', ver] = values.profile.split('@');
          const ctx = openAppContext(values['data-dir']);
          try {
            const profile = getProfile(ctx.db, id, ver === undefined ? undefined : positiveInt(ver, '--profile version'));
            style = preflightStyleFromProfile(profile, embedder);
            styleSource = `profile ${profile.name} (${profile.id}@${profile.version})`;
          } finally {
            ctx.close();
          }
        }

        const built = buildPrompts(csv, { config, template, style: { keywords: style.keywords } });
        const shown = built.prompts.slice(0, limit);
        const check = await preflight(shown, style, embedder, { threshold, lowConfidence: config.lowConfidence });
        if (!embedder) check.reason = `no CLIP pack given (--clip-pack <dir>): pre-flight confidence and delta reports are unavailable`;

        const errors = [...csv.errors, ...built.errors].sort((a, b) => a.row - b.row);
        const warnings = [...csv.warnings, ...built.warnings].sort((a, b) => a.row - b.row);
        if (values.json) {
          io.stdout.write(
            `${JSON.stringify(
              {
                csv: { file: csvPath, encoding: csv.encoding, delimiter: csv.delimiter, columns: csv.columns, promptColumn: csv.promptColumn, records: csv.recordCount, validRows: built.prompts.length },
                errors,
                warnings,
                references: refIssues,
                style: { source: styleSource, keywords: style.keywords, clipCentroid: style.centroid !== null },
                config,
                prompts: shown,
                preflight: { ...check, rows: check.rows.map((r) => ({ ...r })) },
              },
              null,
              2,
            )}\n`,
          );
        } else {
          io.stdout.write(formatHuman(basename(csvPath), csv, built.prompts.length, errors, warnings, refIssues, styleSource, style, shown, check));
        }
        return 0;
      } finally {
        await clip.close();
      }
    } catch (err) {
      writeCommandError(io, `assetql prompts`, err);
      return 1;
    }
  },
};

function positiveInt(s: string, flag: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new AppError('BadInput', `${flag} must be a positive whole number (got ${s})`);
  return n;
}

function formatHuman(
  file: string,
  csv: { encoding: string; delimiter: string; columns: string[]; recordCount: number; promptColumn: string | null },
  valid: number,
  errors: CsvIssue[],
  warnings: CsvIssue[],
  refs: { errors: string[]; warnings: string[] },
  styleSource: string,
  style: PreflightStyle,
  shown: BuiltPrompt[],
  check: PreflightResult,
): string {
  const out: string[] = [];
  const delim = csv.delimiter === '\t' ? 'tab' : `'${csv.delimiter}'`;
  out.push(`${file}: ${csv.recordCount} data rows, ${valid} usable (${csv.encoding}, ${delim}-separated)`);
  out.push(`columns: ${csv.columns.join(', ')}${csv.promptColumn ? ` (prompt column: ${csv.promptColumn})` : ''}`);
  if (errors.length) out.push('', `${errors.length} row${errors.length > 1 ? 's' : ''} skipped:`, ...errors.map((e) => `  ${e.message}`));
  if (warnings.length) out.push('', `warnings:`, ...warnings.map((w) => `  ${w.message}`));
  if (refs.errors.length || refs.warnings.length) out.push('', 'references:', ...refs.errors.map((m) => `  error: ${m}`), ...refs.warnings.map((m) => `  ${m}`));
  out.push('', `style: ${styleSource}`);
  for (const a of STYLE_ATTRIBUTES) if (style.keywords[a].length) out.push(`  ${a}: ${style.keywords[a].join(', ')}`);
  out.push('', `prompts (first ${shown.length} of ${valid}):`);
  const byRow = new Map(check.rows.map((r) => [r.row, r]));
  for (const p of shown) {
    out.push(`  row ${p.row}  ${p.name}  seed ${p.seed}  ${p.width}x${p.height}  ${p.steps} steps  cfg ${p.guidance}`);
    out.push(`    ${p.prompt}`);
    out.push(`    negative: ${p.negativePrompt}`);
    const r = byRow.get(p.row);
    if (r) {
      out.push(`    pre-flight: ${r.confidence.toFixed(2)} ${r.low ? `LOW (below ${check.threshold})` : 'ok'}`);
      if (r.delta) {
        for (const m of r.delta.missing) out.push(`      missing ${m.attribute}: ${m.why}`);
        out.push(`      suggestion: ${r.delta.suggestion}`);
        out.push(`      expected: ${r.delta.suggestedConfidence.toFixed(2)} (${r.delta.expectedGain >= 0 ? '+' : ''}${r.delta.expectedGain.toFixed(2)})`);
      }
    }
  }
  out.push('', check.available ? `pre-flight: threshold ${check.threshold}, ${check.rows.filter((r) => r.low).length} of ${check.rows.length} previewed prompts below it` : `pre-flight: ${check.reason}`);
  return `${out.join('\n')}\n`;
}

export default promptsCommand;
