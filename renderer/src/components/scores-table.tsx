import type { StyleScoresDto } from '../../../preload/api.ts';
import { ScoreChip } from './score-chip.tsx';

/** The four style metrics with their targets (REFERENCE.md), plus the failure reasons. */
export function ScoresPanel(props: { scores: StyleScoresDto | null }) {
  const s = props.scores;
  if (!s) return <p className="muted">No scores yet.</p>;
  return (
    <div className="scores">
      <div className="chips">
        <ScoreChip label="style" value={s.styleScore} threshold={0.85} />
        <ScoreChip label="CLIP" value={s.clipSimilarity} threshold={0.85} />
        <ScoreChip label="ΔE colour" value={s.colourDistance} threshold={15} lowerIsBetter digits={1} />
        <ScoreChip label="edges" value={s.edgeSimilarity} threshold={0.8} />
      </div>
      {s.reasons.length > 0 ? (
        <ul className="reasons">
          {s.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      ) : (
        <p className="ok-text">{s.pass ? 'Passed every check.' : 'Did not pass.'}</p>
      )}
    </div>
  );
}
