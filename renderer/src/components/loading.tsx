/** A quiet loading placeholder that reserves space (no jump when the content arrives). */
export function Loading(props: { label?: string; height?: number }) {
  return (
    <div className="loading" style={{ minHeight: props.height ?? 120 }} role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{props.label ?? 'Loading…'}</span>
    </div>
  );
}
