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

export type Driver = { kind: 'fts' } | { kind: 'category' } | { kind: 'batch' } | { kind: 'tag'; tag: string } | { kind: 'tags' } | null;

/** Tag postings are counted up to this to estimate how selective several tags are together. */
const TAG_CAP = 20_000;

export interface PlanInput {
  match: string | null;
  category: string | null;
  batchId: string | null;
  tags: string[];
}

export function chooseDriver(db: Database, p: PlanInput): Driver {
  const candidates: { driver: Exclude<Driver, null>; count: () => number }[] = [];
  if (p.match) {
    const match = p.match;
    candidates.push({ driver: { kind: 'fts' }, count: () => cappedCount(db, 'SELECT rowid FROM assets_fts WHERE assets_fts MATCH ?', match) });
  }
  if (p.category) {
    const c = p.category;
    candidates.push({ driver: { kind: 'category' }, count: () => cappedCount(db, 'SELECT 1 FROM assets WHERE category = ? AND is_current = 1', c) });
  }
  if (p.batchId) {
    const b = p.batchId;
    candidates.push({ driver: { kind: 'batch' }, count: () => cappedCount(db, 'SELECT 1 FROM assets WHERE batch_id = ? AND is_current = 1', b) });
  }
  const tagCounts = new Map<string, number>();
  for (const tag of p.tags) {
    candidates.push({
      driver: { kind: 'tag', tag },
      count: () => {
        const n = cappedCount(db, 'SELECT 1 FROM asset_tags WHERE tag = ? AND removed = 0', tag, TAG_CAP);
        tagCounts.set(tag, n);
        return n;
      },
    });
  }
  let best: Driver = null;
  let bestCount = RARE + 1;
  for (const c of candidates) {
    const n = c.count();
    if (n < bestCount) {
      best = c.driver;
      bestCount = n;
    }
  }
  if (best || p.tags.length < 2) return best;
  // Several common tags can still be rare together (1/20 × 1/6): estimate the intersection as
  // independent, and drive from the INTERSECT of their postings when it is small.
  const size = Math.max(1, (db.prepare('SELECT IFNULL(MAX(rowid), 0) AS n FROM assets').get() as { n: number }).n);
  let estimate = size;
  for (const n of tagCounts.values()) estimate *= Math.min(1, n / size);
  return estimate <= RARE ? { kind: 'tags' } : null;
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
