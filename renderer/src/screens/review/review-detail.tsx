import { useState } from 'react';
import type { ReviewItem } from '../../../../preload/api.ts';
import { ScoresPanel } from '../../components/scores-table.tsx';
import { Lightbox } from '../../components/lightbox.tsx';
import { useRequest } from '../../hooks/use-request.ts';
import { fmtScore } from '../../hooks/format.ts';

interface Candidate { key: string; url: string; label: string }

/**
 * The failed image side by side with one reference or one of its other attempts (chosen below),
 * its scores and why it failed; any image opens full size in the lightbox.
 */
export function ReviewDetail(props: { item: ReviewItem }) {
  const it = props.item;
  const task = useRequest('tasks.get', { id: it.taskId });
  const refs: Candidate[] = it.refUrls.map((u, i) => ({ key: `ref-${i}`, url: u, label: `Reference ${i + 1}` }));
  const attempts: Candidate[] = (task.data?.attemptsList ?? [])
    .filter((a) => a.imageUrl && a.imageUrl !== it.imageUrl)
    .map((a) => ({ key: `attempt-${a.n}`, url: a.imageUrl!, label: `Attempt ${a.n} · ${fmtScore(a.scores?.styleScore)}` }));
  const [chosen, setChosen] = useState<string | null>(null);
  const other = [...refs, ...attempts].find((c) => c.key === chosen) ?? refs[0] ?? attempts[0] ?? null;
  const [zoomed, setZoomed] = useState<{ url: string; label: string } | null>(null);
  return (
    <div className="card stack" data-testid="review-detail">
      <div className="row-between">
        <h2>{it.name}</h2>
        <span className="muted small num">
          {it.batchName} · {it.attempts} attempt(s)
        </span>
      </div>
      <div className="compare-pair" data-testid="review-compare">
        <figure>
          {it.imageUrl ? (
            <button className="zoomable" onClick={() => setZoomed({ url: it.imageUrl!, label: `Generated ${it.name}` })} aria-label={`Open ${it.name} full size`}>
              <img src={it.imageUrl} alt={`Generated ${it.name}`} />
            </button>
          ) : (
            <span className="muted">no image</span>
          )}
          <figcaption className="small muted">shown attempt · {fmtScore(it.scores?.styleScore)}</figcaption>
        </figure>
        <figure>
          {other ? (
            <button className="zoomable" onClick={() => setZoomed(other)} aria-label={`Open ${other.label} full size`}>
              <img src={other.url} alt={other.label} />
            </button>
          ) : (
            <span className="muted small">no references or other attempts to compare with</span>
          )}
          <figcaption className="small muted">{other?.label ?? ''}</figcaption>
        </figure>
      </div>
      {refs.length + attempts.length > 0 ? (
        <div className="row gap wrap" role="group" aria-label="Compare with">
          {[...refs, ...attempts].map((c) => (
            <button key={c.key} className="thumb-choice" aria-pressed={other?.key === c.key} onClick={() => setChosen(c.key)} title={c.label} aria-label={`Compare with ${c.label}`}>
              <img src={c.url} alt="" />
            </button>
          ))}
        </div>
      ) : null}
      <p className="bad-text">{it.reason}</p>
      <ScoresPanel scores={it.scores} />
      <p className="prompt small">{it.prompt}</p>
      {zoomed ? <Lightbox src={zoomed.url} alt={zoomed.label} onClose={() => setZoomed(null)} /> : null}
    </div>
  );
}
