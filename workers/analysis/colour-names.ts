import { hexToRgb, srgbToLab, type Lab } from './colour-space.ts';
import { deltaE2000 } from './delta-e.ts';

/**
 * A small set of well-known CSS/X11 colour names, enough to describe a palette in a prompt
 * ("navy, coral and ivory"). Deliberately short: a prompt model knows these words, and a
 * 900-entry table yields names like "Sapphire Splendour" that help no one.
 */
const NAMED: ReadonlyArray<readonly [string, string]> = [
  ['black', '#000000'], ['charcoal', '#36454f'], ['dim gray', '#696969'], ['gray', '#808080'],
  ['silver', '#c0c0c0'], ['light gray', '#d3d3d3'], ['white', '#ffffff'], ['ivory', '#fffff0'],
  ['beige', '#f5f5dc'], ['cream', '#fffdd0'], ['khaki', '#c3b091'], ['tan', '#d2b48c'],
  ['brown', '#8b4513'], ['dark brown', '#5c4033'], ['chocolate', '#d2691e'], ['sienna', '#a0522d'],
  ['maroon', '#800000'], ['dark red', '#8b0000'], ['red', '#ff0000'], ['crimson', '#dc143c'],
  ['salmon', '#fa8072'], ['coral', '#ff7f50'], ['orange', '#ffa500'], ['dark orange', '#ff8c00'],
  ['gold', '#ffd700'], ['mustard', '#e1ad01'], ['yellow', '#ffff00'], ['pale yellow', '#ffffe0'],
  ['olive', '#808000'], ['olive green', '#556b2f'], ['lime', '#32cd32'], ['green', '#008000'],
  ['dark green', '#006400'], ['forest green', '#228b22'], ['mint', '#98ff98'], ['sea green', '#2e8b57'],
  ['teal', '#008080'], ['turquoise', '#40e0d0'], ['cyan', '#00ffff'], ['sky blue', '#87ceeb'],
  ['light blue', '#add8e6'], ['steel blue', '#4682b4'], ['blue', '#0000ff'], ['royal blue', '#4169e1'],
  ['navy', '#000080'], ['midnight blue', '#191970'], ['slate gray', '#708090'], ['indigo', '#4b0082'],
  ['purple', '#800080'], ['violet', '#ee82ee'], ['lavender', '#e6e6fa'], ['plum', '#dda0dd'],
  ['magenta', '#ff00ff'], ['pink', '#ffc0cb'], ['hot pink', '#ff69b4'], ['peach', '#ffdab9'],
];

const NAMED_LAB: ReadonlyArray<{ name: string; lab: Lab }> = NAMED.map(([name, hex]) => {
  const rgb = hexToRgb(hex) ?? [0, 0, 0];
  return { name, lab: srgbToLab(rgb[0], rgb[1], rgb[2]) };
});

/** Nearest table name by CIEDE2000. */
export function colourName(lab: Lab): string {
  let best = 'gray';
  let bestD = Infinity;
  for (const entry of NAMED_LAB) {
    const d = deltaE2000(lab, entry.lab);
    if (d < bestD) { bestD = d; best = entry.name; }
  }
  return best;
}
