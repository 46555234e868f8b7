import { useToasts } from '../store/toasts.ts';

/** The toast stack, bottom right, announced politely to screen readers; some carry an Undo. */
export function Toasts() {
  const { toasts, dismiss } = useToasts();
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast tone-${t.tone}`} data-testid="toast">
          <span>{t.text}</span>
          <span className="row gap">
            {t.action ? (
              <button className="btn small" onClick={() => void t.action?.run()} data-testid="toast-action">
                {t.action.label}
              </button>
            ) : null}
            <button className="btn ghost small" onClick={() => dismiss(t.id)} aria-label="Dismiss">
              ✕
            </button>
          </span>
        </div>
      ))}
    </div>
  );
}
