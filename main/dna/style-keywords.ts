import type { StyleProfile } from './style-profile.ts';

export interface StyleKeywords {
  colours: string[];
  lighting: string[];
  composition: string[];
  medium: string[];
}

/**
 * Plain words for a profile, used by the prompt writer for style injection and by delta
 * reports ("missing: warm low-key lighting"). Derived only from measured parameter means, so
 * they change when the user edits a parameter.
 */
export function styleKeywords(profile: Pick<StyleProfile, 'palette' | 'params'>): StyleKeywords {
  const p = (key: keyof StyleProfile['params']): number => profile.params[key].mean;
  const colours: string[] = [];
  for (const c of profile.palette) {
    if (c.weight < 0.05 || colours.includes(c.name)) continue;
    colours.push(c.name);
    if (colours.length === 4) break;
  }

  const lighting: string[] = [];
  const lum = p('meanLuminance');
  const contrast = p('contrast');
  const softness = contrast < 0.14 ? 'soft' : contrast > 0.25 ? 'high-contrast' : '';
  const key = lum < 0.35 ? 'low-key' : lum > 0.65 ? 'high-key' : 'balanced';
  lighting.push([softness, key, 'lighting'].filter(Boolean).join(' '));
  const temp = p('temperature');
  if (temp > 0.04) lighting.push('warm tones');
  else if (temp < -0.04) lighting.push('cool tones');
  else lighting.push('neutral colour temperature');
  const sat = p('saturation');
  if (sat < 0.08) lighting.push('monochrome');
  else if (sat < 0.25) lighting.push('muted colours');
  else if (sat > 0.55) lighting.push('vivid saturated colours');

  const composition: string[] = [];
  const dx = p('massX') - 0.5;
  const dy = p('massY') - 0.5;
  if (Math.hypot(dx, dy) < 0.06) composition.push('centered composition');
  else composition.push(`subject weighted to the ${[dy < -0.06 ? 'top' : dy > 0.06 ? 'bottom' : '', dx < -0.06 ? 'left' : dx > 0.06 ? 'right' : ''].filter(Boolean).join(' ')}`);
  if (p('symmetryLR') > 0.92) composition.push('symmetrical');
  if (p('negativeSpace') > 0.45) composition.push('generous negative space');
  else if (p('negativeSpace') < 0.08) composition.push('busy, filled frame');
  if (p('thirdsEnergy') > 0.2) composition.push('rule-of-thirds placement');

  const medium: string[] = [];
  const flat = p('flatness');
  const edges = p('edgeDensity');
  if (flat > 0.75 && sat > 0.08 && p('uniformity') < 0.8) medium.push('flat vector illustration');
  else if (flat > 0.5 && edges < 0.12) medium.push('clean graphic style');
  else medium.push('photographic');
  if (p('uniformity') > 0.75 && edges > 0.2) medium.push('detailed surface texture');
  else if (edges < 0.06) medium.push('smooth, minimal detail');
  else if (edges > 0.3) medium.push('highly detailed');
  return { colours, lighting, composition, medium };
}
