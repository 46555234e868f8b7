import type { ReactNode } from 'react';
import { useDialogFocus } from '../hooks/use-dialog-focus.ts';

/** A side panel over the screen: Escape closes it, focus moves into it and back when it closes. */
export function Drawer(props: { title: string; onClose(): void; children: ReactNode; wide?: boolean }) {
  const { onClose } = props;
  const ref = useDialogFocus<HTMLElement>(onClose);
  return (
    <aside className={props.wide ? 'drawer wide' : 'drawer'} ref={ref} tabIndex={-1} role="dialog" aria-label={props.title}>
      <header className="drawer-header">
        <h2>{props.title}</h2>
        <button className="btn ghost" onClick={props.onClose} aria-label="Close">
          ✕
        </button>
      </header>
      <div className="drawer-body">{props.children}</div>
    </aside>
  );
}
