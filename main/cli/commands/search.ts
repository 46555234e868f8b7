import type { CliIo, Command } from '../command.ts';
import { parseFlags } from '../parse-flags.ts';
import { openAppContext } from '../../core/app-context.ts';
import { AppError, toErrorData } from '../../core/app-error.ts';
import { ASSET_STATES, type Asset, type AssetState } from '../../library/asset-types.ts';
import { searchAssets, type SearchQuery } from '../../library/search-assets.ts';
import type { SortKey } from '../../library/search-cursor.ts';
import { writeCommandError } from '../command-error.ts';

export const searchCommand: Command = {
  name: 'search',
  summary: 'Search the asset library by text, tags, category, batch, date, style score and state',
  usage: `assetql search ["<query>"] [filters] [--sort date|score|name] [--asc|--desc] [--limit 50] [--cursor <c>] [--json] [--data-dir <dir>]

Full-text search over asset name, prompt and tags (the last word matches as a prefix; quotes,
*, -, NEAR and parentheses are plain text). Filters combine with AND:
  --batch <id>              one batch
  --category <name>         primary category
  --model <name>            made with this checkpoint (pack id or imported checkpoint name)
  --lora <name>             made with this LoRA baked in
  --tag <tag>               has this tag (repeat for all-of)
  --from <date> --to <date> created in this range (YYYY-MM-DD or ISO 8601; --to is inclusive)
  --min-score <0..1> --max-score <0..1>   style score range
  --state active|archived|deleted          lifecycle state (repeatable; default active + archived)
Pages: the output ends with the --cursor to pass for the next page.`,
  async run(argv: string[], io: CliIo): Promise<number> {
    const parsed = parseFlags(this, argv, io, {
      batch: { type: 'string' }, model: { type: 'string' }, lora: { type: 'string' }, category: { type: 'string' }, tag: { type: 'string', multiple: true },
      from: { type: 'string' }, to: { type: 'string' }, 'min-score': { type: 'string' }, 'max-score': { type: 'string' },
      state: { type: 'string', multiple: true }, sort: { type: 'string' }, asc: { type: 'boolean' }, desc: { type: 'boolean' },
      limit: { type: 'string' }, cursor: { type: 'string' }, json: { type: 'boolean' }, 'data-dir': { type: 'string' },
    });
    if (typeof parsed === 'number') return parsed;
    const { values, positionals } = parsed;
    let ctx;
    try {
      const query = buildQuery(values, positionals);
      ctx = openAppContext(values['data-dir']);
      const result = searchAssets(ctx.db, query);
      if (values.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else io.stdout.write(formatResult(result.items, result.total, result.nextCursor));
      return 0;
    } catch (err) {
      const e = toErrorData(err);
      writeCommandError(io, `assetql search`, err);
      return e.kind === 'BadInput' ? 2 : 1;
    } finally {
      ctx?.close();
    }
  },
};

interface SearchFlags {
  batch?: string;
  model?: string;
  lora?: string;
  category?: string;
  tag?: string[];
  from?: string;
  to?: string;
  'min-score'?: string;
  'max-score'?: string;
  state?: string[];
  sort?: string;
  asc?: boolean;
  desc?: boolean;
  limit?: string;
  cursor?: string;
}

function buildQuery(v: SearchFlags, positionals: string[]): SearchQuery {
  const q: SearchQuery = {};
  if (positionals.length > 0) q.text = positionals.join(' ');
  if (v.batch) q.batchId = v.batch;
  if (v.model) q.model = v.model;
  if (v.lora) q.lora = v.lora;
  if (v.category) q.category = v.category;
  if (v.tag) q.tags = v.tag;
  if (v.from) q.from = parseDate('--from', v.from, false);
  if (v.to) q.to = parseDate('--to', v.to, true);
  if (v['min-score']) q.minScore = parseNumber('--min-score', v['min-score']);
  if (v['max-score']) q.maxScore = parseNumber('--max-score', v['max-score']);
  if (v.state) {
    const states = v.state.flatMap((s) => s.split(',')).map((s) => s.trim());
    for (const s of states) {
      if (!ASSET_STATES.includes(s as AssetState)) throw new AppError('BadInput', `--state must be one of ${ASSET_STATES.join(', ')} (got ${s})`);
    }
    q.states = states as AssetState[];
  }
  if (v.sort) {
    if (!['date', 'score', 'name'].includes(v.sort)) throw new AppError('BadInput', `--sort must be date, score or name (got ${v.sort})`);
    q.sort = v.sort as SortKey;
  }
  if (v.asc && v.desc) throw new AppError('BadInput', 'give --asc or --desc, not both');
  if (v.asc) q.dir = 'asc';
  if (v.desc) q.dir = 'desc';
  if (v.limit) {
    const n = Number(v.limit);
    if (!Number.isInteger(n) || n < 1 || n > 500) throw new AppError('BadInput', `--limit must be an integer 1–500 (got ${v.limit})`);
    q.limit = n;
  }
  if (v.cursor) q.cursor = v.cursor;
  return q;
}

/** Date-only values mean the whole day in UTC: --to 2026-01-31 includes that day. */
export function parseDate(flag: string, s: string, endOfDay: boolean): number {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(s);
  const t = Date.parse(dateOnly ? `${s}T00:00:00Z` : s);
  if (Number.isNaN(t)) throw new AppError('BadInput', `${flag} is not a date (YYYY-MM-DD or ISO 8601): ${s}`);
  return dateOnly && endOfDay ? t + 86_400_000 - 1 : t;
}

function parseNumber(flag: string, s: string): number {
  const n = Number(s);
  if (!Number.isFinite(n)) throw new AppError('BadInput', `${flag} must be a number (got ${s})`);
  return n;
}

function formatResult(items: Asset[], total: number | null, nextCursor: string | null): string {
  if (items.length === 0) return 'No matching assets.\n';
  const lines = items.map((a) => {
    const date = new Date(a.createdAt).toISOString().slice(0, 16).replace('T', ' ');
    const score = a.styleScore === null ? '  –  ' : a.styleScore.toFixed(3);
    const state = a.state === 'active' ? '' : ` [${a.state}]`;
    return `${a.id}  ${date}  ${score}  ${(a.category ?? '-').padEnd(14).slice(0, 14)}  ${a.name}${state}`;
  });
  lines.push(`${items.length} shown${total === null ? '' : ` of ${total}`}${nextCursor ? `; next page: --cursor ${nextCursor}` : ''}`);
  return `${lines.join('\n')}\n`;
}

export default searchCommand;
