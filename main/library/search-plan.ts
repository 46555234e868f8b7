import type { Database } from 'better-sqlite3';

/**
 * Which filter, if any, should drive a search. Walking a sort index and filtering stops after one
 * page, which is fast when filters are common (most rows pass) and slow when they are rare (the
 * walk crosses the whole library). Driving from a rare filter's own index and sorting its few
 * rows is the opposite. SQLite's planner guesses without statistics (and guessed wrong in the
 * benchmark even with ANALYZE), so we count each candidate through its index — cheap, since
 * counts stop mattering above RARE — and mark the others unindexable with unary `+`.
 */
export const RARE = 2000;

export type Driver = { kind: 'fts' } | { kind: 'category' } | { kind: 'batch' } | { kind: 'tag'; tag: string } | { kind: 'intersect' } | null;

/** Candidates are counted up to this (≈1 ms through a covering index) to estimate selectivity. */
const CAP = 20_000;

export interface PlanInput {
  match: string | null;
  category: string | null;
  batchId: string | null;
  tags: string[];
  /** Matches of `match` when already counted exactly (≤ RARE): saves running the MATCH again. */
  matchRows?: number;
}

export interface Plan {
  driver: Driver;
  /** Candidate rows the driver yields (exact when ≤ RARE); null without a driver. */
  driverRows: number | null;
}

/**
 * Cost model, filters assumed independent: walking the sort index visits about
 * limit / Π(selectivity) rows per page; driving visits the driver's rows once and sorts them.
 */
export function choosePlan(db: Database, p: PlanInput, limit = 50): Plan {
  const counts: { driver: Exclude<Driver, null>; n: number }[] = [];
  if (p.match) {
    const n = p.matchRows !== undefined && p.matchRows <= RARE ? p.matchRows : cappedCount(db, 'SELECT rowid FROM assets_fts WHERE assets_fts MATCH ?', p.match, CAP);
    counts.push({ driver: { kind: 'fts' }, n });
  }
  if (p.category) counts.push({ driver: { kind: 'category' }, n: cappedCount(db, 'SELECT 1 FROM assets WHERE category = ? AND is_current = 1', p.category, CAP) });
  if (p.batchId) counts.push({ driver: { kind: 'batch' }, n: cappedCount(db, 'SELECT 1 FROM assets WHERE batch_id = ? AND is_current = 1', p.batchId, CAP) });
  for (const tag of p.tags) counts.push({ driver: { kind: 'tag', tag }, n: cappedCount(db, 'SELECT 1 FROM asset_tags WHERE tag = ? AND removed = 0', tag, CAP) });
  if (counts.length === 0) return { driver: null, driverRows: null };
  const best = counts.reduce((a, b) => (b.n < a.n ? b : a));
  if (best.n <= RARE) return { driver: best.driver, driverRows: best.n };

  const size = Math.max(1, (db.prepare('SELECT IFNULL(MAX(rowid), 0) AS n FROM assets').get() as { n: number }).n);
  let selectivity = 1;
  for (const c of counts) selectivity *= Math.min(1, c.n / size);
  const walkRows = Math.min(size, limit / Math.max(selectivity, 1e-9));
  // Several common equality filters (tags, category, batch) can be rare together (1/8 × 1/20):
  // the INTERSECT of their id postings reads only covering indexes (cheap per entry) and
  // yields few rows to fetch.
  const eq = counts.filter((c) => c.driver.kind !== 'fts').map((c) => c.n);
  if (eq.length >= 2) {
    const rows = eq.reduce((a, b) => a * Math.min(1, b / size), size);
    const intersectCost = eq.reduce((a, b) => a + b, 0) / 20 + rows;
    if (intersectCost < walkRows && intersectCost < best.n) return { driver: { kind: 'intersect' }, driverRows: null };
  }
  if (best.n < walkRows && best.n <= CAP) return { driver: best.driver, driverRows: null };
  return { driver: null, driverRows: null };
}

/** Kept for callers that only need the driver. */
export function chooseDriver(db: Database, p: PlanInput, limit = 50): Driver {
  return choosePlan(db, p, limit).driver;
}

const stmts = new WeakMap<Database, Map<string, ReturnType<Database['prepare']>>>();

/** count(*) that stops at cap + 1: a common filter costs the same as a rare one. */
function cappedCount(db: Database, inner: string, arg: string, cap = RARE): number {
  let m = stmts.get(db);
  if (!m) stmts.set(db, (m = new Map()));
  const key = `${inner}/${cap}`;
  let st = m.get(key);
  if (!st) m.set(key, (st = db.prepare(`SELECT count(*) AS n FROM (${inner} LIMIT ${cap + 1})`)));
  return (st.get(arg) as { n: number }).n;
}
