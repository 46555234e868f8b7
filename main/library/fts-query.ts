/**
 * Turns free user text into a safe FTS5 MATCH expression. Every term is reduced to letters,
 * digits and marks, then double-quoted, so FTS5 operators (AND OR NOT NEAR, *, ^, -, :,
 * parentheses, quotes) in the input are plain text, never syntax. Terms are ANDed; the last
 * term is a prefix match unless the input ends in whitespace (search-as-you-type).
 * Returns null when nothing searchable is left.
 */
export function toFtsQuery(input: string): string | null {
  const terms = input
    .normalize('NFC')
    .split(/[^\p{L}\p{N}\p{M}_]+/u)
    .filter((t) => t.length > 0)
    .slice(0, 16);
  if (terms.length === 0) return null;
  const prefixLast = !/\s$/.test(input);
  return terms.map((t, i) => `"${t}"${prefixLast && i === terms.length - 1 ? ' *' : ''}`).join(' ');
}
