import type { ReactNode } from 'react';

/** A labelled form row; the label wraps the control so clicking it focuses the input. */
export function Field(props: { label: string; hint?: ReactNode; children: ReactNode; wide?: boolean }) {
  return (
    <label className={props.wide ? 'field wide' : 'field'}>
      <span className="field-label">{props.label}</span>
      {props.children}
      {props.hint ? <span className="field-hint">{props.hint}</span> : null}
    </label>
  );
}
