import { memo, useState } from 'react';
import { useConnection } from '../../store/connection.ts';
import { useTasks } from '../../store/tasks.ts';
import { statusTone } from '../../components/task-status.ts';
import { fmtScore } from '../../hooks/format.ts';

export const CELL_W = 128;
export const CELL_H = 156;

/** One task: state colour, thumbnail (or live step preview), score. Re-renders only for its own task. */
export const TaskCell = memo(function TaskCell(props: { id: string; index: number; onOpen(id: string): void }) {
  const t = useTasks((s) => s.byId[props.id]);
  const p = useTasks((s) => s.progress[props.id]);
  // An image that failed to load (e.g. while the server was down) is not shown broken: the
  // row number stands in until the link is back (a new epoch) or a new URL arrives.
  const epoch = useConnection((s) => s.epoch);
  const [failed, setFailed] = useState<string | null>(null);
  if (!t) return null;
  // Status and label from the engine (the counters count the same status): no mapping here.
  const tone = statusTone(t.status);
  const src = t.thumbUrl ?? p?.previewUrl ?? null;
  const img = src && failed !== `${src}#${epoch}` ? src : null;
  return (
    <button
      role="gridcell"
      className={`task-cell tone-${tone}`}
      style={{ width: CELL_W, height: CELL_H }}
      onClick={() => props.onOpen(t.id)}
      title={`${t.name} — ${t.statusLabel}${t.worker ? ` · made on ${t.worker}` : ''}${t.error ? `: ${t.error}` : ''}`}
      data-worker={t.worker ?? undefined}
      data-state={t.state}
      data-status={t.status}
      data-index={props.index}
    >
      <span className="thumb">
        {img ? <img src={img} alt="" width={112} height={112} loading="lazy" decoding="async" onError={() => setFailed(`${img}#${epoch}`)} /> : <span className="thumb-empty">#{t.row}</span>}
        {p && t.state === 'generating' ? (
          <span className="step-bar" aria-label={`step ${p.step} of ${p.steps}`}>
            <span style={{ width: `${(p.step / Math.max(1, p.steps)) * 100}%` }} />
          </span>
        ) : null}
      </span>
      <span className="cell-meta">
        <span className="ellipsis">{t.name}</span>
        <span className="num">{fmtScore(t.styleScore)}</span>
      </span>
      <span className={`cell-state tone-${tone}`}>{t.statusLabel}</span>
    </button>
  );
});
