import { useState } from 'react';
import type { DeltaReportDto } from '../../../../preload/api.ts';
import { call } from '../../api.ts';
import { attempt } from '../../store/toasts.ts';
import { fmtScore } from '../../hooks/format.ts';

/** One report: the prompt, what the style expects that it lacks, and the suggested rewrite. */
export function DeltaCard(props: { report: DeltaReportDto; onResolved(d: DeltaReportDto): void }) {
  const r = props.report;
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(r.suggestion);
  const resolve = async (action: 'accept' | 'edit' | 'dismiss'): Promise<void> => {
    const arg = action === 'edit' ? { id: r.id, action, prompt: text } : { id: r.id, action };
    const d = await attempt(`${action} suggestion`, () => call('delta.resolve', arg));
    if (d) {
      setEditing(false);
      props.onResolved(d);
    }
  };
  const open = r.status === 'open';
  return (
    <article className="card delta" data-testid="delta-card">
      <div className="row-between">
        <strong className="num">Row {r.row}</strong>
        <span className="row gap small">
          <span className="badge tone-bad num">confidence {fmtScore(r.confidence)}</span>
          <span className="badge tone-ok num">+{fmtScore(r.expectedGain)} expected</span>
          {!open ? <span className="badge">{r.status}</span> : null}
        </span>
      </div>
      <p className="prompt">{r.prompt}</p>
      <table className="table compact" aria-label="Missing attributes">
        <thead>
          <tr>
            <th>Missing</th>
            <th>Expected</th>
            <th>Why</th>
          </tr>
        </thead>
        <tbody>
          {r.missing.map((m) => (
            <tr key={m.attribute}>
              <td>{m.attribute}</td>
              <td>{m.expected}</td>
              <td className="muted">{m.why}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h4>Suggested rewrite</h4>
      {editing ? <textarea className="input" rows={3} value={text} onChange={(e) => setText(e.target.value)} aria-label="Edited prompt" /> : <p className="prompt suggestion">{r.suggestion}</p>}
      {open ? (
        <div className="row gap">
          {editing ? (
            <>
              <button className="btn primary" onClick={() => void resolve('edit')} disabled={!text.trim()}>
                Save edit
              </button>
              <button className="btn ghost" onClick={() => setEditing(false)}>
                Cancel
              </button>
            </>
          ) : (
            <>
              <button className="btn primary" onClick={() => void resolve('accept')}>
                Accept
              </button>
              <button className="btn" onClick={() => setEditing(true)}>
                Edit
              </button>
              <button className="btn ghost" onClick={() => void resolve('dismiss')}>
                Dismiss
              </button>
            </>
          )}
        </div>
      ) : null}
    </article>
  );
}
