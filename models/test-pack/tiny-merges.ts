/**
 * A small but valid CLIP merges file for test packs: merges that spell out a few dozen common
 * prompt words letter by letter (`p h`, `ph o`, …, `phot o</w>`). Anything else falls back to
 * byte tokens, which the tokenizer handles like any rare word.
 */
const WORDS = [
  'a', 'an', 'the', 'of', 'on', 'in', 'with', 'and', 'photo', 'cat', 'dog', 'red', 'blue', 'green', 'white', 'black',
  'background', 'product', 'shot', 'studio', 'lighting', 'soft', 'game', 'asset', 'icon', 'style', 'flat', 'logo',
  'treasure', 'chest', 'sneaker', 'forest', 'fox', 'watercolor', 'poster', 'banner', 'sale', 'summer', 'blurry',
];

export function tinyMergesText(): string {
  const seen = new Set<string>();
  const lines = ['#version: 0.2'];
  for (const word of WORDS) {
    const chars = [...word];
    let acc = chars[0] ?? '';
    for (let i = 1; i < chars.length; i++) {
      const next = i === chars.length - 1 ? `${chars[i]}</w>` : (chars[i] ?? '');
      const line = `${acc} ${next}`;
      if (!seen.has(line)) {
        seen.add(line);
        lines.push(line);
      }
      acc += next;
    }
  }
  return `${lines.join('\n')}\n`;
}
