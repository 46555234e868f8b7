import { useEffect, useRef } from 'react';
import type { ReviewItem } from '../../../../preload/api.ts';
import { fmtScore } from '../../hooks/format.ts';

/** The queue; the cursor row is kept in view as j/k move it. */
export function ReviewList(props: { items: ReviewItem[]; cursor: number; selected: Set<string>; onCursor(i: number): void; onToggle(id: string): void }) {
  const ref = useRef<HTMLUListElement>(null);
  useEffect(() => {
    ref.current?.querySelector('[aria-current="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [props.cursor]);
  return (
    <ul className="batch-list" ref={ref} aria-label="Review queue">
      {props.items.map((it, i) => (
        <li key={it.taskId} className="review-row">
          <input type="checkbox" checked={props.selected.has(it.taskId)} onChange={() => props.onToggle(it.taskId)} aria-label={`Select ${it.name}`} />
          <button className={i === props.cursor ? 'batch-item active' : 'batch-item'} aria-current={i === props.cursor} onClick={() => props.onCursor(i)}>
            <span className="row gap">
              {it.imageUrl ? <img src={it.imageUrl} alt="" width={40} height={40} className="mini-thumb" /> : <span className="mini-thumb" />}
              <span className="grow ellipsis">
                <span className="ellipsis">{it.name}</span>
                <span className="small muted ellipsis">{it.batchName}</span>
              </span>
              <span className="num small">{fmtScore(it.scores?.styleScore)}</span>
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
