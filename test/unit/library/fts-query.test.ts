import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { toFtsQuery } from '../../../main/library/fts-query.ts';

describe('toFtsQuery', () => {
  it('quotes terms and prefix-matches the last one', () => {
    expect(toFtsQuery('red car')).toBe('"red" "car" *');
    expect(toFtsQuery('red car ')).toBe('"red" "car"');
  });

  it('strips FTS5 syntax so hostile input is plain text', () => {
    expect(toFtsQuery('"unbalanced')).toBe('"unbalanced" *');
    expect(toFtsQuery('a NEAR(b c, 2)')).toBe('"a" "NEAR" "b" "c" "2" *');
    expect(toFtsQuery('-foo OR bar* ^baz prompt:cat (x)')).toBe('"foo" "OR" "bar" "baz" "prompt" "cat" "x" *');
    expect(toFtsQuery('"" * - ( ) :')).toBeNull();
    expect(toFtsQuery('東京 café naïve')).toBe('"東京" "café" "naïve" *');
  });

  it('every output is a valid MATCH expression', () => {
    const db = new Database(':memory:');
    db.exec(`CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'); INSERT INTO t VALUES ('red car near the café'), ('NEAR and OR are words');`);
    const hostile = ['"', "'; DROP TABLE t; --", 'NEAR(', 'a AND', 'OR', '*', '^', 'x:y', '(((', 'cafe', 'near', 'ca', '\u0000', '🚀 rocket', 'a'.repeat(500)];
    for (const h of hostile) {
      const q = toFtsQuery(h);
      if (q === null) continue;
      expect(() => db.prepare('SELECT rowid FROM t WHERE t MATCH ?').all(q), h).not.toThrow();
    }
    expect(db.prepare('SELECT rowid FROM t WHERE t MATCH ?').all(toFtsQuery('cafe'))).toEqual([{ rowid: 1 }]);
    expect(db.prepare('SELECT rowid FROM t WHERE t MATCH ?').all(toFtsQuery('NEAR OR'))).toEqual([{ rowid: 2 }]);
  });
});
