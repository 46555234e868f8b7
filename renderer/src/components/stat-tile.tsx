import type { ReactNode } from 'react';

/** A big number with a caption; width is reserved so live updates never shift the row. */
export function StatTile(props: { label: string; value: ReactNode; sub?: ReactNode; tone?: string }) {
  return (
    <div className={`stat-tile tone-${props.tone ?? 'idle'}`}>
      <span className="stat-label">{props.label}</span>
      <span className="stat-value num">{props.value}</span>
      {props.sub ? <span className="stat-sub muted">{props.sub}</span> : null}
    </div>
  );
}
