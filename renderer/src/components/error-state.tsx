import type { RequestError } from '../api.ts';

/**
 * How a failed request looks on every screen. "Unavailable" means the capability is not wired
 * into this build yet (or the connection dropped): that is an expected state, shown calmly.
 */
export function ErrorState(props: { error: RequestError; what: string; onRetry?: () => void; compact?: boolean }) {
  const unavailable = props.error.kind === 'Unavailable';
  return (
    <div className={props.compact ? 'error-state compact' : 'error-state'} role="alert" data-kind={props.error.kind}>
      <strong>{unavailable ? `${props.what} is not available yet` : `Could not load ${props.what.toLowerCase()}`}</strong>
      <p className="muted">
        {unavailable ? 'This part of AssetQL is not running in this build or the connection is down. ' : `${props.error.kind}: `}
        <span className="mono">{props.error.message}</span>
      </p>
      {props.onRetry ? (
        <button className="btn" onClick={props.onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}
