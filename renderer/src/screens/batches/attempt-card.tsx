import type { AttemptDto } from '../../../../preload/api.ts';
import { ScoresPanel } from '../../components/scores-table.tsx';
import { ParamsTable } from '../../components/params-table.tsx';

/** One generation attempt: its image, parameters, scores and error. */
export function AttemptCard(props: { attempt: AttemptDto }) {
  const a = props.attempt;
  return (
    <article className="attempt">
      <div className="attempt-image">{a.imageUrl ? <img src={a.imageUrl} alt={`Attempt ${a.n}`} /> : <span className="muted">no image</span>}</div>
      <div className="attempt-body">
        <div className="row-between">
          <strong>
            Attempt {a.n} · {a.kind}
          </strong>
          <span className="muted small num">{a.gpuMs !== null ? `${(a.gpuMs / 1000).toFixed(1)} s GPU` : ''}</span>
        </div>
        {a.outcome ? <p className="small">Outcome: {a.outcome}</p> : null}
        <p className="small muted" data-testid="attempt-worker">
          Made by {a.worker ? `${a.workerHost ?? ''} (${a.worker})` : 'this machine'}
          {a.provider ? ` · ${a.provider}` : ''}
        </p>
        {a.error ? <p className="bad-text small">{a.error}</p> : null}
        <ScoresPanel scores={a.scores} />
        <ParamsTable params={a.params} />
      </div>
    </article>
  );
}
