import type { StyleKeywords } from '../template/style-terms.ts';

/**
 * What pre-flight needs from a style profile: the CLIP image centroid of the references
 * (L2-normalised; null when the profile was built without CLIP) and the profile's describable
 * keywords per attribute (brand DNA's styleKeywords(profile)).
 */
export interface PreflightStyle {
  centroid: Float32Array | null;
  keywords: StyleKeywords;
}

/** Small synonym table so "gray" satisfies "grey" and "color" satisfies "colour". */
export const SPELLING_VARIANTS: Readonly<Record<string, string>> = {
  grey: 'gray',
  gray: 'grey',
  colour: 'color',
  color: 'colour',
  colours: 'colors',
  colors: 'colours',
  centred: 'centered',
  centered: 'centred',
};
