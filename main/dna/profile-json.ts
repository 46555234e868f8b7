import { styleKeywords, type StyleKeywords } from './style-keywords.ts';
import type { StyleProfile } from './style-profile.ts';

/** JSON form of a profile for --json and the API: the centroid as a plain array, keywords added. */
export function profileToJson(p: StyleProfile): Omit<StyleProfile, 'clipCentroid'> & { clipCentroid: number[] | null; keywords: StyleKeywords } {
  return { ...p, clipCentroid: p.clipCentroid ? Array.from(p.clipCentroid) : null, keywords: styleKeywords(p) };
}
