import type { ReviewItem } from '../../../../preload/api.ts';
import { ScoresPanel } from '../../components/scores-table.tsx';

/** The failed image beside the style references, its scores and why it failed. */
export function ReviewDetail(props: { item: ReviewItem }) {
  const it = props.item;
  return (
    <div className="card" data-testid="review-detail">
      <div className="row-between">
        <h2>{it.name}</h2>
        <span className="muted small num">
          {it.batchName} · {it.attempts} attempt(s)
        </span>
      </div>
      <div className="compare">
        <figure className="compare-main">
          {it.imageUrl ? <img src={it.imageUrl} alt={`Generated ${it.name}`} /> : <span className="muted">no image</span>}
          <figcaption className="small muted">generated</figcaption>
        </figure>
        <div className="compare-refs">
          {it.refUrls.map((u, i) => (
            <figure key={u}>
              <img src={u} alt={`Reference ${i + 1}`} />
            </figure>
          ))}
          {it.refUrls.length === 0 ? <span className="muted small">no references</span> : null}
        </div>
      </div>
      <p className="bad-text">{it.reason}</p>
      <ScoresPanel scores={it.scores} />
      <p className="prompt small">{it.prompt}</p>
    </div>
  );
}
