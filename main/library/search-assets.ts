import type { Database, Statement } from 'better-sqlite3';
import { AppError } from '../core/app-error.ts';
import { ASSET_COLUMNS, rowToAsset, type AssetRow } from './asset-row.ts';
import { ASSET_STATES, type Asset, type AssetState } from './asset-types.ts';
import { toFtsQuery } from './fts-query.ts';
import { decodeCursor, encodeCursor, type CursorData, type SortDir, type SortKey } from './search-cursor.ts';
import { choosePlan, RARE, type Driver } from './search-plan.ts';
import { normaliseTag } from './tags-repo.ts';

export interface SearchQuery {
  /** Free text over name, prompt and tags. */
  text?: string;
  batchId?: string;
  /** The recipe's checkpoint (assets.model: pack id or imported checkpoint name). */
  model?: string;
  /** Assets whose weights had this LoRA baked in (by name). */
  lora?: string;
  category?: string;
  /** All of these tags (live tags only). */
  tags?: string[];
  /** Epoch ms, inclusive. */
  from?: number;
  to?: number;
  minScore?: number;
  maxScore?: number;
  /** Default: active and archived (deleted only when asked for). */
  states?: AssetState[];
  sort?: SortKey;
  /** Default: desc for date and score, asc for name. */
  dir?: SortDir;
  limit?: number;
  cursor?: string;
  /**
   * Count matches: true counts up to TOTAL_CAP, 'exact' counts all, false skips. Default: true on
   * the first page (no cursor), false after, since the total does not change between pages.
   */
  withTotal?: boolean | 'exact';
}

export interface SearchResult {
  items: Asset[];
  nextCursor: string | null;
  /** Matches in all pages; null when not counted (later pages by default). */
  total: number | null;
  /** false when counting stopped at TOTAL_CAP: there are more than `total` matches. Rare-filter searches count exactly. */
  totalExact: boolean;
}

export const TOTAL_CAP = 1000;

const SORT_COLUMN: Record<SortKey, string> = { date: 'a.created_at', score: 'a.score_sort', name: 'a.name' };

/** Current versions only; keyset pagination so page N costs the same as page 1. */
export function searchAssets(db: Database, q: SearchQuery = {}): SearchResult {
  const sort = q.sort ?? 'date';
  const dir = q.dir ?? (sort === 'name' ? 'asc' : 'desc');
  const limit = Math.min(Math.max(1, Math.trunc(q.limit ?? 50)), 500);
  const states = q.states && q.states.length > 0 ? q.states : (['active', 'archived'] as AssetState[]);
  for (const s of states) if (!ASSET_STATES.includes(s)) throw new AppError('BadInput', `unknown lifecycle state ${s}`);
  const cursor = q.cursor ? decodeCursor(q.cursor, sort, dir) : null;
  // One read transaction: every statement below sees the same snapshot (the matched rowids of
  // the first step stay valid for the later ones), and WAL takes its read lock once.
  if (db.inTransaction) return run(db, q, sort, dir, limit, states, cursor);
  let inTx = transactions.get(db);
  if (!inTx) transactions.set(db, (inTx = db.transaction(run)));
  return inTx(db, q, sort, dir, limit, states, cursor);
}

const transactions = new WeakMap<Database, (...args: Parameters<typeof run>) => SearchResult>();

function run(db: Database, q: SearchQuery, sort: SortKey, dir: SortDir, limit: number, states: AssetState[], cursor: CursorData | null): SearchResult {
  const match = q.text ? toFtsQuery(q.text) : null;
  const category = q.category ? normaliseTag(q.category) : null;
  const tags = [...new Set((q.tags ?? []).map(normaliseTag))];
  // Run the MATCH once: a rare text (≤ RARE matches) yields its rowids as a JSON array, which
  // both the plan (as its count) and the page and count queries (through json_each) reuse
  // instead of evaluating the MATCH again. A common text only pays for RARE + 1 rowids.
  let matchIds: string | null = null;
  let matchRows: number | undefined;
  if (match) {
    const m = cached(db, `SELECT count(*) AS n, json_group_array(rowid) AS ids FROM (SELECT rowid FROM assets_fts WHERE assets_fts MATCH ? LIMIT ${RARE + 1})`).get(match) as { n: number; ids: string };
    if (m.n <= RARE) {
      matchRows = m.n;
      matchIds = m.ids;
    }
  }
  const { driver, driverRows } = choosePlan(db, { match, category, batchId: q.batchId ?? null, tags, ...(matchRows !== undefined ? { matchRows } : {}) }, limit);
  const filter = (d: Driver, hinted: boolean): Filter => buildFilter({ q, states, match, matchIds, category, tags, sort, driver: d, hinted });
  const { from, where, params } = filter(driver, true);

  const col = SORT_COLUMN[sort];
  const cmp = dir === 'asc' ? '>' : '<';
  const pageWhere = [...where];
  const pageParams = [...params];
  if (cursor) {
    // Row-value comparison lets SQLite seek straight into the sort index.
    pageWhere.push(`(${col}, a.id) ${cmp} (?, ?)`);
    pageParams.push(cursor.value, cursor.id);
  }
  // Two phases: sort narrow (rowid, key, id) rows, then fetch the full rows of one page only.
  // Sorting whole rows (prompt, params JSON...) made FTS-driven pages ~3× slower.
  const mode = q.withTotal ?? !q.cursor;
  // With a rare driver every match is among ≤ RARE candidates: fetch all their keys in one go
  // and the total comes for free (exact) instead of costing a second query.
  const keysGiveTotal = driverRows !== null && !q.cursor && mode !== false;
  const sql = `SELECT a.rowid AS rowid, ${col} AS k, a.id AS id FROM ${from} WHERE ${pageWhere.join(' AND ')}
    ORDER BY ${col} ${dir.toUpperCase()}, a.id ${dir.toUpperCase()}${keysGiveTotal ? '' : ' LIMIT ?'}`;
  const stmt = cached(db, sql, true);
  const keys = (keysGiveTotal ? stmt.all(...pageParams) : stmt.all(...pageParams, limit + 1)) as [number, number | string, string][];
  const pageKeys = keys.slice(0, limit);
  const page = fetchRows(db, pageKeys.map((k) => k[0]));
  const last = pageKeys[pageKeys.length - 1];
  const nextCursor = keys.length > limit && last ? encodeCursor({ sort, dir, value: last[1], id: last[2] }) : null;
  // The total is the same on every page: by default only the first page pays for it, and only
  // up to TOTAL_CAP ("1,000+") since an exact count walks every match; exact when it was free.
  let total: number | null = null;
  let totalExact = false;
  if (keysGiveTotal) {
    total = keys.length;
    totalExact = true;
  } else if (mode !== false) {
    // Counting visits every match anyway: drive from the most selective filter, no hints.
    const eqFilters = tags.length + (category ? 1 : 0) + (q.batchId ? 1 : 0);
    const c = filter(driver ?? (match ? { kind: 'fts' } : eqFilters >= 2 ? { kind: 'intersect' } : null), false);
    const countSql = `SELECT 1 FROM ${c.from} WHERE ${c.where.join(' AND ')}`;
    const capped = mode !== 'exact';
    const n = (cached(db, `SELECT count(*) AS n FROM (${countSql}${capped ? ` LIMIT ${TOTAL_CAP + 1}` : ''})`).get(...c.params) as { n: number }).n;
    totalExact = !capped || n <= TOTAL_CAP;
    total = Math.min(n, capped ? TOTAL_CAP : n);
  }
  return { items: page.map(rowToAsset), nextCursor, total, totalExact };
}

/**
 * The full rows of one page, in the given order, in one statement. Rows come back as arrays and
 * are keyed here: better-sqlite3 builds ~35-key objects several times slower than plain JS does.
 * A row deleted by another connection between the two phases is simply skipped.
 */
function fetchRows(db: Database, rowids: number[]): AssetRow[] {
  if (rowids.length === 0) return [];
  const stmt = cached(db, `SELECT ${ASSET_COLUMNS} FROM assets a WHERE a.rowid IN (SELECT value FROM json_each(?))`, true);
  let names = columnNames.get(stmt);
  if (!names) columnNames.set(stmt, (names = stmt.columns().map((c) => c.name)));
  const byRowid = new Map<number, AssetRow>();
  for (const values of stmt.all(JSON.stringify(rowids)) as unknown[][]) {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) row[names[i]!] = values[i];
    byRowid.set(row.rowid as number, row as unknown as AssetRow);
  }
  const out: AssetRow[] = [];
  for (const id of rowids) {
    const row = byRowid.get(id);
    if (row) out.push(row);
  }
  return out;
}

const columnNames = new WeakMap<Statement, string[]>();

/** Prepared statements per connection: preparing costs about as much as running a page query. */
const statements = new WeakMap<Database, Map<string, Statement>>();
const MAX_CACHED = 256;

function cached(db: Database, sql: string, raw = false): Statement {
  let m = statements.get(db);
  if (!m) statements.set(db, (m = new Map()));
  const key = raw ? `raw:${sql}` : sql;
  let st = m.get(key);
  if (!st) {
    // Tag and state lists make the SQL vary: keep the cache bounded.
    if (m.size >= MAX_CACHED) m.clear();
    st = db.prepare(sql);
    if (raw) st.raw(true);
    m.set(key, st);
  }
  return st;
}

interface Filter {
  from: string;
  where: string[];
  params: (string | number)[];
}

interface FilterInput {
  q: SearchQuery;
  states: AssetState[];
  match: string | null;
  /** JSON array of every rowid `match` matches, when known (≤ RARE of them). */
  matchIds: string | null;
  category: string | null;
  tags: string[];
  sort: SortKey;
  driver: Driver;
  /** Page queries add `+` hints so SQLite walks the sort index; count queries let it pick. */
  hinted: boolean;
}

function buildFilter({ q, states, match, matchIds, category, tags, sort, driver, hinted }: FilterInput): Filter {
  // `+col` keeps SQLite from using that column's index, so it walks the sort index instead.
  const idx = (on: boolean): string => (on || !hinted ? '' : '+');

  const where: string[] = ['a.is_current = 1', `+a.state IN (${states.map(() => '?').join(',')})`];
  const params: (string | number)[] = [...states];
  let from = 'assets a';
  if (matchIds !== null) {
    // The matches are already known: look them up by rowid instead of running the MATCH again.
    where.push(`${driver?.kind === 'fts' ? '' : '+'}a.rowid IN (SELECT value FROM json_each(?))`);
    params.push(matchIds);
  } else if (match) {
    if (driver?.kind === 'fts') {
      from = 'assets_fts f JOIN assets a ON a.rowid = f.rowid';
      where.push('assets_fts MATCH ?');
    } else where.push('+a.rowid IN (SELECT rowid FROM assets_fts WHERE assets_fts MATCH ?)');
    params.push(match);
  }
  if (driver?.kind === 'intersect') {
    // Every equality filter as one INTERSECT of id postings, each from a covering index.
    const parts: string[] = [];
    if (q.batchId) {
      parts.push('SELECT id FROM assets WHERE batch_id = ? AND is_current = 1');
      params.push(q.batchId);
    }
    if (category) {
      parts.push('SELECT id FROM assets WHERE category = ? AND is_current = 1');
      params.push(category);
    }
    for (const tag of tags) {
      parts.push('SELECT asset_id FROM asset_tags WHERE tag = ? AND removed = 0');
      params.push(tag);
    }
    where.push(`a.id IN (${parts.join(' INTERSECT ')})`);
  } else {
    if (q.batchId) {
      where.push(`${idx(driver?.kind === 'batch')}a.batch_id = ?`);
      params.push(q.batchId);
    }
    if (category) {
      where.push(`${idx(driver?.kind === 'category')}a.category = ?`);
      params.push(category);
    }
  }
  if (driver?.kind !== 'intersect') for (const tag of tags) {
    where.push(
      driver?.kind === 'tag' && driver.tag === tag
        ? 'a.id IN (SELECT asset_id FROM asset_tags WHERE tag = ? AND removed = 0)'
        : 'EXISTS (SELECT 1 FROM asset_tags t WHERE t.asset_id = a.id AND t.tag = ? AND t.removed = 0)',
    );
    params.push(tag);
  }
  if (q.model) {
    where.push('a.model = ?');
    params.push(q.model);
  }
  if (q.lora) {
    // A malformed loras column (a hand edit) matches nothing instead of failing the search.
    where.push(`EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(a.loras) THEN a.loras ELSE '[]' END) j WHERE j.value = ?)`);
    params.push(q.lora);
  }
  if (q.from !== undefined) {
    where.push(`${idx(sort === 'date')}a.created_at >= ?`);
    params.push(q.from);
  }
  if (q.to !== undefined) {
    where.push(`${idx(sort === 'date')}a.created_at <= ?`);
    params.push(q.to);
  }
  if (q.minScore !== undefined || q.maxScore !== undefined) {
    // On score_sort (indexed, NULL → -1) so a score-sorted page seeks into its range; the
    // NOT NULL check keeps unscored assets out of any score range.
    where.push('a.style_score IS NOT NULL');
    if (q.minScore !== undefined) {
      where.push(`${idx(sort === 'score')}a.score_sort >= ?`);
      params.push(q.minScore);
    }
    if (q.maxScore !== undefined) {
      where.push(`${idx(sort === 'score')}a.score_sort <= ?`);
      params.push(q.maxScore);
    }
  }

  return { from, where, params };
}
