import type { ReactNode } from 'react';
import { useDialogFocus } from '../hooks/use-dialog-focus.ts';

/** A centred dialog with a backdrop; Escape or the backdrop closes it. */
export function Modal(props: { title: string; onClose(): void; children: ReactNode; footer?: ReactNode; testId?: string }) {
  const { onClose } = props;
  const ref = useDialogFocus<HTMLDivElement>(onClose);
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal" ref={ref} tabIndex={-1} role="dialog" aria-modal="true" aria-label={props.title} data-testid={props.testId}>
        <header className="drawer-header">
          <h2>{props.title}</h2>
          <button className="btn ghost" onClick={onClose} aria-label="Close">
            ✕
          </button>
        </header>
        <div className="modal-body">{props.children}</div>
        {props.footer ? <footer className="modal-footer">{props.footer}</footer> : null}
      </div>
    </div>
  );
}
