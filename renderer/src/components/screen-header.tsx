import { useEffect, type ReactNode } from 'react';

/** Every screen starts with the same header: a title, one line of context, and its actions. */
export function ScreenHeader(props: { title: string; subtitle?: ReactNode; actions?: ReactNode }) {
  // The window/tab title names the screen (screen readers announce it; tabs are told apart).
  useEffect(() => {
    document.title = `${props.title} — AssetQL`;
  }, [props.title]);
  return (
    <header className="screen-header">
      <div>
        <h1>{props.title}</h1>
        {props.subtitle ? <p className="muted">{props.subtitle}</p> : null}
      </div>
      {props.actions ? <div className="actions">{props.actions}</div> : null}
    </header>
  );
}
