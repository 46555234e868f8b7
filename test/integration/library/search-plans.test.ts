import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchAssets, TOTAL_CAP, type SearchQuery } from '../../../main/library/search-assets.ts';
import { chooseDriver, RARE } from '../../../main/library/search-plan.ts';
import { toFtsQuery } from '../../../main/library/fts-query.ts';
import { createLibraryFixture, type LibraryFixture } from './library-fixture.ts';
import { fillSyntheticLibrary, SYNTHETIC_T0, type SyntheticRow } from './synthetic-library.ts';

/**
 * Large enough that common filters exceed RARE (so search walks a sort index) while rare ones
 * drive: every query is checked against a brute-force filter + sort of the same rows.
 */
const N = 24_000;

describe('search plans agree with brute force', () => {
  let fx: LibraryFixture;
  let rows: SyntheticRow[];

  beforeAll(() => {
    fx = createLibraryFixture('batch-0');
    ({ rows } = fillSyntheticLibrary(fx.db, { n: N, batches: 4 }));
    fx.db.exec('ANALYZE');
  });
  afterAll(() => fx.cleanup());

  function brute(q: SearchQuery): SyntheticRow[] {
    const states = q.states ?? ['active', 'archived'];
    const words = (q.text ?? '').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
    const sort = q.sort ?? 'date';
    const dir = q.dir ?? (sort === 'name' ? 'asc' : 'desc');
    const key = (r: SyntheticRow): number | string => (sort === 'date' ? r.createdAt : sort === 'score' ? (r.styleScore ?? -1) : r.name.toLowerCase());
    return rows
      .filter((r) => states.includes(r.state))
      .filter((r) => {
        const hay = `${r.name} ${r.prompt} ${r.tags.join(' ')}`.toLowerCase().split(/[^a-z0-9]+/);
        return words.every((w, i) => (i === words.length - 1 ? hay.some((h) => h.startsWith(w)) : hay.includes(w)));
      })
      .filter((r) => !q.batchId || r.batchId === q.batchId)
      .filter((r) => !q.category || r.category === q.category)
      .filter((r) => (q.tags ?? []).every((t) => r.tags.includes(t)))
      .filter((r) => (q.from === undefined || r.createdAt >= q.from) && (q.to === undefined || r.createdAt <= q.to))
      .filter((r) => (q.minScore === undefined && q.maxScore === undefined) || r.styleScore !== null)
      .filter((r) => (q.minScore === undefined || r.styleScore! >= q.minScore) && (q.maxScore === undefined || r.styleScore! <= q.maxScore))
      .sort((a, b) => {
        const ka = key(a);
        const kb = key(b);
        const c = ka < kb ? -1 : ka > kb ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
        return dir === 'asc' ? c : -c;
      });
  }

  function walk(q: SearchQuery): string[] {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 400; i++) {
      const page = searchAssets(fx.db, { ...q, limit: 499, ...(cursor ? { cursor } : {}) });
      ids.push(...page.items.map((a) => a.id));
      if (!page.nextCursor) return ids;
      cursor = page.nextCursor;
    }
    throw new Error('pagination did not end');
  }

  const queries: [string, SearchQuery][] = [
    ['plain, date', {}],
    ['common text (walks the date index)', { text: 'brand pal' }],
    ['text common per word, rarer together', { text: 'dragon golden' }],
    ['rare text (drives from FTS)', { text: 'dragon 12' }],
    ['common category + score range, score sort', { category: 'landscape', minScore: 0.2, maxScore: 0.8, sort: 'score' }],
    ['two common tags together rare (tag intersection)', { tags: ['pastel', 'calm'], sort: 'name' }],
    ['one common tag, score asc', { tags: ['pastel'], sort: 'score', dir: 'asc' }],
    ['batch + tag (id-posting intersection)', { batchId: 'batch-1', tags: ['pastel'], sort: 'score' }],
    ['batch + text + date range', { batchId: 'batch-2', text: 'golden', from: SYNTHETIC_T0 + 3600_000, to: SYNTHETIC_T0 + 30 * 3600_000 }],
    ['deleted only, name desc', { states: ['deleted'], sort: 'name', dir: 'desc' }],
    ['text + category + tag', { text: 'cosy', category: 'icon', tags: ['robot'] }],
  ];

  for (const [label, q] of queries) {
    it(label, () => {
      const expected = brute(q).map((r) => r.id);
      expect(walk(q)).toEqual(expected);
      const first = searchAssets(fx.db, { ...q, limit: 10 });
      // Capped counts stop at TOTAL_CAP; searches driven by a rare filter count exactly for free.
      if (first.totalExact) expect(first.total).toBe(expected.length);
      else expect([first.total, expected.length > TOTAL_CAP]).toEqual([TOTAL_CAP, true]);
      expect(searchAssets(fx.db, { ...q, limit: 10, withTotal: 'exact' }).total).toBe(expected.length);
      // A later page that asks for the count, and a search inside the caller's own transaction.
      if (first.nextCursor) expect(searchAssets(fx.db, { ...q, limit: 10, cursor: first.nextCursor, withTotal: 'exact' }).total).toBe(expected.length);
      expect(fx.db.transaction(() => searchAssets(fx.db, { ...q, limit: 10 }))()).toEqual(first);
    });
  }

  it('really takes both kinds of plan', () => {
    expect(chooseDriver(fx.db, { match: toFtsQuery('brand pal'), category: null, batchId: null, tags: [] })).toBeNull();
    expect(chooseDriver(fx.db, { match: toFtsQuery('dragon 12'), category: null, batchId: null, tags: [] })).toEqual({ kind: 'fts' });
    expect(chooseDriver(fx.db, { match: null, category: null, batchId: null, tags: ['pastel', 'calm'] })).toEqual({ kind: 'intersect' });
    expect(chooseDriver(fx.db, { match: null, category: 'landscape', batchId: null, tags: [] })).toBeNull();
    // Together 1/4 × 1/10: cheaper to intersect the id postings than to walk 2000 rows a page.
    expect(chooseDriver(fx.db, { match: null, category: null, batchId: 'batch-1', tags: ['pastel'] })).toEqual({ kind: 'intersect' });
    // 1/4 × 1/6: walking ~1200 rows a page beats intersecting 10k postings.
    expect(chooseDriver(fx.db, { match: null, category: null, batchId: 'batch-1', tags: ['calm'] })).toBeNull();
    expect(chooseDriver(fx.db, { match: null, category: null, batchId: null, tags: ['no-such-tag', 'pastel'] })).toEqual({ kind: 'tag', tag: 'no-such-tag' });
    expect(N / 8).toBeGreaterThan(RARE);
  });
});
