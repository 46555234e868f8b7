import type { ImageAnalysis } from '../../workers/analysis/types.ts';
import type { ParamKey } from './style-profile.ts';

/** The profile parameter values of one analysed image. */
export function paramValues(a: ImageAnalysis): Record<ParamKey, number> {
  return {
    meanLuminance: a.lighting.meanLuminance,
    contrast: a.lighting.contrast,
    temperature: a.lighting.temperature,
    saturation: a.lighting.saturation,
    flatness: a.colour.flatness,
    edgeDensity: a.texture.edgeDensity,
    uniformity: a.texture.uniformity,
    symmetryLR: a.composition.symmetryLR,
    symmetryTB: a.composition.symmetryTB,
    thirdsEnergy: a.composition.thirdsEnergy,
    massX: a.composition.massX,
    massY: a.composition.massY,
    negativeSpace: a.composition.negativeSpace,
  };
}

/**
 * How far a parameter may stray outside the references' range before it counts against the
 * image, when the references' own spread is smaller (e.g. one reference). Roughly the change
 * a viewer notices: 8 % mean luminance, 5 % RMS contrast, …
 */
export const PARAM_TOLERANCE: Record<ParamKey, number> = {
  meanLuminance: 0.08,
  contrast: 0.05,
  temperature: 0.05,
  saturation: 0.08,
  flatness: 0.1,
  edgeDensity: 0.05,
  uniformity: 0.08,
  symmetryLR: 0.08,
  symmetryTB: 0.08,
  thirdsEnergy: 0.04,
  massX: 0.1,
  massY: 0.1,
  negativeSpace: 0.12,
};
