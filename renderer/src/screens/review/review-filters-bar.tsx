import type { ReviewItem } from '../../../../preload/api.ts';
import { NO_REVIEW_FILTER, isFiltered, reasonKind, type ReviewFilter } from './review-filter.ts';

/** Batch, failure reason and score range of the review queue (options come from the queue itself). */
export function ReviewFiltersBar(props: { items: ReviewItem[]; filter: ReviewFilter; onChange(f: ReviewFilter): void; shown: number }) {
  const f = props.filter;
  const batches = [...new Map(props.items.map((i) => [i.batchId, i.batchName])).entries()];
  const reasons = [...new Set(props.items.map((i) => reasonKind(i.reason)))].sort();
  const set = (patch: Partial<ReviewFilter>): void => props.onChange({ ...f, ...patch });
  return (
    <div className="filters" role="search" aria-label="Filter the review queue">
      <select className="input" value={f.batchId} onChange={(e) => set({ batchId: e.target.value })} aria-label="Batch" data-testid="review-batch-filter">
        <option value="">All batches</option>
        {batches.map(([id, name]) => (
          <option key={id} value={id}>
            {name}
          </option>
        ))}
      </select>
      <select className="input" value={f.reason} onChange={(e) => set({ reason: e.target.value })} aria-label="Reason">
        <option value="">All reasons</option>
        {reasons.map((r) => (
          <option key={r}>{r}</option>
        ))}
      </select>
      <label className="inline-field small">
        Score
        <input className="input narrow num" type="number" min={0} max={1} step={0.05} value={f.minScore} onChange={(e) => set({ minScore: Number(e.target.value) })} aria-label="Minimum score" />–
        <input className="input narrow num" type="number" min={0} max={1} step={0.05} value={f.maxScore} onChange={(e) => set({ maxScore: Number(e.target.value) })} aria-label="Maximum score" />
      </label>
      <span className="muted small num" role="status">
        {props.shown} of {props.items.length} shown
      </span>
      {isFiltered(f) ? (
        <button className="btn ghost small" onClick={() => props.onChange(NO_REVIEW_FILTER)}>
          Reset
        </button>
      ) : null}
    </div>
  );
}
