import { TARGETS, type StyleScores } from './score.ts';

/** Human-readable scores with targets and pass/fail. */
export function formatScores(name: string, s: StyleScores): string {
  const mark = (ok: boolean | null): string => (ok === null ? 'n/a ' : ok ? 'PASS' : 'FAIL');
  const lines = [`Scores for ${name} against profile ${s.profile.id ? `${s.profile.id} v${s.profile.version}` : '(built from the given references)'}`];
  lines.push(s.clipSimilarity === null
    ? `  CLIP similarity   unavailable  (target ≥ ${TARGETS.clipSimilarity})  n/a   — ${s.clipUnavailable}`
    : `  CLIP similarity   ${s.clipSimilarity.toFixed(3).padStart(11)}  (target ≥ ${TARGETS.clipSimilarity})  ${mark(s.pass.clipSimilarity)}  raw cosine ${s.clipRaw?.toFixed(3)}`);
  lines.push(`  colour distance   ${s.colourDistance.toFixed(1).padStart(11)}  (target ≤ ${TARGETS.colourDistance})    ${mark(s.pass.colourDistance)}  raw ΔE2000 ${s.colourDistanceRaw.toFixed(1)}`);
  lines.push(`  edge similarity   ${s.edgeSimilarity.toFixed(3).padStart(11)}  (target ≥ ${TARGETS.edgeSimilarity})   ${mark(s.pass.edgeSimilarity)}  raw ${s.edgeSimilarityRaw.toFixed(3)}`);
  lines.push(`  parameter fit     ${s.paramsFit.toFixed(3).padStart(11)}${s.paramsOutOfRange.length ? `  outside: ${s.paramsOutOfRange.join(', ')}` : ''}`);
  const w = s.weights;
  lines.push(`  style score       ${s.styleScore.toFixed(3).padStart(11)}  (target ≥ ${TARGETS.styleScore})  ${mark(s.pass.styleScore)}  weights clip ${w.clip.toFixed(2)} colour ${w.colour.toFixed(2)} edge ${w.edge.toFixed(2)} params ${w.params.toFixed(2)}`);
  const d = s.dimensions;
  lines.push(`  dimensions        ${`${d.actual.width}×${d.actual.height}`.padStart(11)}  ${d.requested ? `(requested ${d.requested.width}×${d.requested.height})` : '(none requested)'}  ${mark(d.ok)}`);
  const a = s.artifacts;
  const flags = [a.blank && 'blank', a.nearUniform && 'near-uniform', a.clipped && `clipped ${(a.clippedShare * 100).toFixed(0)}%`].filter(Boolean);
  lines.push(`  artifacts         ${(flags.length ? flags.join(', ') : 'none').padStart(11)}  ${mark(s.pass.artifacts)}`);
  lines.push(`  overall           ${mark(s.pass.overall)}`);
  return lines.join('\n') + '\n';
}
