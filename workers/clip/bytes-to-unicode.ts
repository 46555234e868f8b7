/**
 * GPT-2/CLIP's reversible byte → printable-unicode table: printable Latin-1 bytes map to
 * themselves, the rest to code points from 256 upward, so BPE works on visible characters.
 */
export interface ByteUnicodeTable {
  /** Indexed by byte value. */
  byChar: string[];
  /** In CLIP's vocabulary order (printable bytes first, then the remapped ones). */
  vocabOrder: string[];
}

export function bytesToUnicode(): ByteUnicodeTable {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n);
      n += 1;
    }
  }
  const byChar = new Array<string>(256);
  const vocabOrder: string[] = [];
  bs.forEach((b, i) => {
    const ch = String.fromCodePoint(cs[i] ?? b);
    byChar[b] = ch;
    vocabOrder.push(ch);
  });
  return { byChar, vocabOrder };
}
