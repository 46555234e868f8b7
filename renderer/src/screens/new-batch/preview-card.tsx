import { useMemo } from 'react';
import { ErrorState } from '../../components/error-state.tsx';
import { useDebounced } from '../../hooks/use-debounced.ts';
import { useRequest } from '../../hooks/use-request.ts';
import { fmtScore } from '../../hooks/format.ts';
import { planOf, useNewBatch } from '../../store/new-batch.ts';
import { TokenCounter } from '../../components/token-counter.tsx';

/** Live preview of the first prompts and their pre-flight confidence, re-run 400 ms after typing stops. */
export function PreviewCard() {
  const state = useNewBatch();
  const plan = useMemo(() => planOf(state), [state]);
  const settled = useDebounced(plan, 400);
  const threshold = state.config.thresholds.preflight;
  const preview = useRequest('intake.preview', settled ? { plan: settled, limit: 8 } : null);
  const d = preview.data;
  return (
    <div className="card" data-testid="preview-card">
      <div className="row-between">
        <h2>4 · Preview</h2>
        <span className="muted small">{preview.loading ? 'updating…' : d ? `${d.prompts.length} shown` : ''}</span>
      </div>
      {!plan ? <p className="muted">The first prompts appear here once a CSV is loaded.</p> : null}
      {preview.error ? <ErrorState error={preview.error} what="Prompt preview" compact onRetry={preview.reload} /> : null}
      {d && !preview.error ? (
        <>
          {!d.preflightAvailable ? <p className="warn-text small">Pre-flight unavailable: {d.preflightNote ?? 'no CLIP pack installed'}.</p> : null}
          {d.errors.length > 0 ? (
            <ul className="bad-text small">
              {d.errors.slice(0, 5).map((e, i) => (
                <li key={i}>
                  {e.row !== null ? `row ${e.row}: ` : ''}
                  {e.message}
                </li>
              ))}
            </ul>
          ) : null}
          <ol className="prompt-list">
            {d.prompts.map((p) => (
              <li key={p.row} className={p.lowConfidence ? 'low' : ''}>
                <span className="muted num small">#{p.row}</span>
                <span className="prompt-text">
                  <strong>{p.name}</strong> — {p.prompt}
                </span>
                <span className="confidence" title={`pre-flight confidence (threshold ${threshold})`}>
                  <span className="meter">
                    <span className={p.lowConfidence ? 'fill bad' : 'fill ok'} style={{ width: `${(p.confidence ?? 0) * 100}%` }} />
                  </span>
                  <span className="num">{fmtScore(p.confidence)}</span>
                </span>
              </li>
            ))}
          </ol>
          {d.prompts.length > 0 ? (
            <div className="stack">
              <h4>Longest prompt, as the model reads it</h4>
              <TokenCounter text={d.prompts.reduce((a, b) => (b.prompt.length > a.prompt.length ? b : a)).prompt} packId={state.config.packId} />
            </div>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
