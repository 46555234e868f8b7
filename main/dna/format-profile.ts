import type { StyleProfile } from './style-profile.ts';
import { PARAM_KEYS } from './style-profile.ts';
import { styleKeywords } from './style-keywords.ts';

/** Human-readable profile for the terminal. */
export function formatProfile(p: StyleProfile, clipNote: string | null): string {
  const lines: string[] = [];
  lines.push(`Style profile ${p.id ? `${p.id} v${p.version}` : '(not saved)'} — ${p.name}`);
  lines.push(`References (${p.references.length}): ${p.references.map((r) => `${r.name} ${r.width}×${r.height}`).join(', ')}`);
  lines.push('', `Palette (k=${p.k}):`);
  for (const c of p.palette) lines.push(`  ${c.hex}  ${(c.weight * 100).toFixed(1).padStart(5)}%  ${c.name}`);
  lines.push('', 'Parameters          min     max    mean  spread');
  for (const key of PARAM_KEYS) {
    const r = p.params[key];
    const lock = p.locks.includes(key) ? '  (locked)' : '';
    lines.push(`  ${key.padEnd(16)} ${fmt(r.min)} ${fmt(r.max)} ${fmt(r.mean)} ${fmt(r.spread)}${lock}`);
  }
  const k = styleKeywords(p);
  lines.push('', 'Keywords:', `  colours: ${k.colours.join(', ')}`, `  lighting: ${k.lighting.join(', ')}`, `  composition: ${k.composition.join(', ')}`, `  medium: ${k.medium.join(', ')}`);
  const c = p.calibration;
  lines.push('', c.refCount > 1
    ? `Consistency of the references (leave-one-out): colour ΔE ${c.colourTypicalDistance?.toFixed(1)}, edge ${c.edgeTypicalSimilarity?.toFixed(3)}${c.clipTypicalCosine !== null ? `, CLIP cosine ${c.clipTypicalCosine.toFixed(3)}` : ''}`
    : 'One reference: scores are calibrated with default priors (add 2–5 references to calibrate on their own spread).');
  lines.push(p.clipCentroid ? `CLIP: centroid from ${p.clipModel?.modelId ?? 'unknown model'} (${p.clipCentroid.length}-d)` : `CLIP: unavailable — ${clipNote ?? 'profile has no CLIP centroid'}`);
  return lines.join('\n') + '\n';
}

function fmt(v: number): string {
  return v.toFixed(3).padStart(7);
}
