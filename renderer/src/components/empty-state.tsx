import type { ReactNode } from 'react';

/** The same calm empty state on every screen: what this is, and the one next step. */
export function EmptyState(props: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty-state" role="status">
      <h2>{props.title}</h2>
      {props.children ? <p>{props.children}</p> : null}
      {props.action ?? null}
    </div>
  );
}
