import { createHash, randomInt } from 'node:crypto';
import type { BatchConfig, Sampler } from '../config/batch-config.ts';
import { formatSize, isAllowedSize, SDXL_LIMITS, type PackLimits } from '../config/pack-limits.ts';
import type { CsvIssue, CsvParseResult, ParsedRow } from '../csv/types.ts';
import { assembleNegativePrompt, QUALITY_NEGATIVES } from './negative-prompt.ts';
import { compileTemplate, renderCompiled, tidyPrompt, type CompiledTemplate } from './render-template.ts';
import { styleTerms, type StyleKeywords } from './style-terms.ts';
import { CLIP_TOKEN_BUDGET, estimateTokens } from './token-estimate.ts';

/** One row turned into everything generation needs (the pipeline stores it as a task). */
export interface BuiltPrompt {
  /** Spreadsheet row of the source record (tasks.row_index). */
  row: number;
  name: string;
  prompt: string;
  negativePrompt: string;
  width: number;
  height: number;
  steps: number;
  guidance: number;
  sampler: Sampler;
  seed: number;
  category: string | null;
  /** Style terms that prompt polish must keep verbatim. */
  lockedTerms: string[];
  cells: Record<string, string>;
}

export interface BuildPromptsOptions {
  config: BatchConfig;
  /** A template; null/undefined uses the CSV's prompt column. */
  template?: string | null;
  limits?: PackLimits;
  /** Profile keywords for style injection; null builds prompts without style terms. */
  style?: { keywords: StyleKeywords } | null;
  /** Seed source for seed.mode 'random' (tests pass a deterministic one). */
  randomSeed?: () => number;
  /** Stop after this many prompts (preview). */
  limit?: number;
}

export interface BuildPromptsResult {
  prompts: BuiltPrompt[];
  errors: CsvIssue[];
  warnings: CsvIssue[];
  template: CompiledTemplate | null;
}


export function buildPrompts(csv: CsvParseResult, options: BuildPromptsOptions): BuildPromptsResult {
  const { config } = options;
  const limits = options.limits ?? SDXL_LIMITS;
  const template = options.template ? compileTemplate(options.template, csv.columns) : null;
  const terms = styleTerms(options.style?.keywords, config.style);
  const randomSeed = options.randomSeed ?? (() => randomInt(0, 2 ** 32 - 1));
  const errors: CsvIssue[] = [];
  const warnings: CsvIssue[] = [];
  const prompts: BuiltPrompt[] = [];
  const seen = new Map<string, number>();
  const dataRowOffset = csv.rows[0]?.row ?? 2;

  for (const row of csv.rows) {
    if (options.limit !== undefined && prompts.length >= options.limit) break;
    const rowErrors: CsvIssue[] = [];
    const prompt = template ? renderCompiled(template, row.cells, terms) : withStyle(row, terms);
    if (!prompt) rowErrors.push({ row: row.row, column: null, value: null, message: `row ${row.row}: the ${template ? 'template' : 'prompt column'} produced an empty prompt` });

    const size = { width: row.width ?? config.width, height: row.height ?? config.height };
    if (row.width !== null && !isAllowedSize(limits, size)) {
      const v = `${row.width}x${row.height}`;
      rowErrors.push({ row: row.row, column: 'size', value: v, message: `row ${row.row}, column 'size': '${v}' is not an allowed size; choose one of ${limits.sizes.map(formatSize).join(', ')}` });
    }
    const steps = row.steps ?? config.steps;
    if (row.steps !== null && (steps < limits.steps.min || steps > limits.steps.max)) {
      rowErrors.push({ row: row.row, column: 'steps', value: String(steps), message: `row ${row.row}, column 'steps': '${steps}' is outside ${limits.steps.min}–${limits.steps.max}` });
    }
    const guidance = row.guidance ?? config.guidance;
    if (row.guidance !== null && (guidance < limits.guidance.min || guidance > limits.guidance.max)) {
      rowErrors.push({ row: row.row, column: 'guidance', value: String(guidance), message: `row ${row.row}, column 'guidance': '${guidance}' is outside ${limits.guidance.min}–${limits.guidance.max}` });
    }
    if (rowErrors.length > 0) {
      errors.push(...rowErrors);
      continue;
    }

    const key = createHash('sha1').update(`${prompt.toLowerCase()}\u0000${row.seed ?? 'auto'}\u0000${size.width}x${size.height}`).digest('base64');
    const first = seen.get(key);
    if (first !== undefined) {
      warnings.push({ row: row.row, column: null, value: null, message: `row ${row.row} gives the same prompt, seed and size as row ${first}` });
    } else seen.set(key, row.row);

    const approxTokens = estimateTokens(prompt);
    if (approxTokens > CLIP_TOKEN_BUDGET) {
      warnings.push({ row: row.row, column: null, value: null, message: `row ${row.row}: the prompt is about ${approxTokens} tokens; CLIP reads only the first ${CLIP_TOKEN_BUDGET}, so the end is ignored` });
    }

    const seed = row.seed ?? (config.seed.mode === 'fixed' ? (config.seed.base + row.row - dataRowOffset) % 2 ** 32 : randomSeed());
    prompts.push({
      row: row.row,
      name: row.name ?? defaultName(prompt, row.row),
      prompt,
      negativePrompt: assembleNegativePrompt([config.qualityNegatives ? QUALITY_NEGATIVES : null, config.negativePrompt, row.negativePrompt]),
      width: size.width,
      height: size.height,
      steps,
      guidance,
      sampler: config.sampler,
      seed,
      category: row.category,
      lockedTerms: terms.locked,
      cells: row.cells,
    });
  }
  return { prompts, errors, warnings, template };
}

/** Preview of the first N prompts before a batch starts (UI and `assetql prompts`). */
export function previewPrompts(csv: CsvParseResult, options: Omit<BuildPromptsOptions, 'limit'>, n = 5): BuildPromptsResult {
  return buildPrompts(csv, { ...options, limit: n });
}

function withStyle(row: ParsedRow, terms: ReturnType<typeof styleTerms>): string {
  const base = row.prompt ?? '';
  return renderCompiled({ source: '{p}', nodes: [{ type: 'text', value: base }], variables: [], placesStyle: false }, {}, terms) || tidyPrompt(base);
}

function defaultName(prompt: string, row: number): string {
  const slug = prompt
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 5)
    .join('-');
  return `${slug || 'row'}-${row}`;
}

/** A built prompt as the task ledger stores it (one task per prompt). */
export function promptToTask(p: BuiltPrompt) {
  return {
    rowIndex: p.row,
    name: p.name,
    prompt: p.prompt,
    negativePrompt: p.negativePrompt,
    params: { width: p.width, height: p.height, steps: p.steps, guidance: p.guidance, sampler: p.sampler, seed: p.seed },
    category: p.category,
    sourceRow: p.cells,
  };
}
