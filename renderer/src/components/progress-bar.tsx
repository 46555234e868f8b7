/** Segmented progress: ready (green), in review (amber), failed (red), out of total. */
export function ProgressBar(props: { total: number; ready: number; review?: number; failed?: number; label?: string }) {
  const pct = (n: number | undefined): string => `${props.total > 0 ? ((n ?? 0) / props.total) * 100 : 0}%`;
  const done = props.ready + (props.review ?? 0) + (props.failed ?? 0);
  return (
    <div className="progress" role="progressbar" aria-label={props.label ?? 'progress'} aria-valuemin={0} aria-valuemax={props.total} aria-valuenow={done}>
      <span className="seg ok" style={{ width: pct(props.ready) }} />
      <span className="seg warn" style={{ width: pct(props.review) }} />
      <span className="seg bad" style={{ width: pct(props.failed) }} />
    </div>
  );
}
